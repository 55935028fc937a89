import assert from "node:assert/strict";
import { decodeBase64, decodeBase64Url, encodeBase64, encodeBase64Url } from "./base64.ts";

Deno.test("base64 and base64url round-trip every byte and match the RFC 4648 alphabets", () => {
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(decodeBase64(encodeBase64(all)), all);
  assert.deepEqual(decodeBase64Url(encodeBase64Url(all)), all);
  const edge = new Uint8Array([0xfb, 0xff, 0xbf]);
  assert.equal(encodeBase64(edge), "+/+/");
  assert.equal(encodeBase64Url(edge), "-_-_");
  assert.equal(encodeBase64Url(new Uint8Array([1])), "AQ");
  assert.deepEqual(decodeBase64Url("AQ"), new Uint8Array([1]));
});
