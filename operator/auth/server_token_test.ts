import assert from "node:assert/strict";
import { deriveServerToken, importTokenKey } from "./server_token.ts";

Deno.test("deriveServerToken() is stable per uid and differs across uids and keys", async () => {
  const k1 = await importTokenKey(new Uint8Array(32).fill(1));
  const k2 = await importTokenKey(new Uint8Array(32).fill(2));
  const a = await deriveServerToken(k1, "uid-a");
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(await deriveServerToken(k1, "uid-a"), a);
  assert.notEqual(await deriveServerToken(k1, "uid-b"), a);
  assert.notEqual(await deriveServerToken(k2, "uid-a"), a);
});

Deno.test("importTokenKey() refuses keys shorter than 32 bytes", async () => {
  await assert.rejects(() => importTokenKey(new Uint8Array(16)), RangeError);
});
