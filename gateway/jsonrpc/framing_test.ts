import assert from "node:assert/strict";
import { encodeLine, LineDecoder } from "./framing.ts";

const enc = (s: string) => new TextEncoder().encode(s);

Deno.test("LineDecoder joins lines split across chunks and skips blank lines", () => {
  const d = new LineDecoder();
  assert.deepEqual(d.push(enc('{"a":')), []);
  assert.deepEqual(d.push(enc('1}\n\n{"b":2}\n{"c"')), ['{"a":1}', '{"b":2}']);
  assert.deepEqual(d.push(enc(":3}\n")), ['{"c":3}']);
});

Deno.test("LineDecoder decodes multi-byte UTF-8 split across chunks", () => {
  const d = new LineDecoder();
  const bytes = enc('"é€"\n');
  assert.deepEqual(d.push(bytes.slice(0, 2)), []);
  assert.deepEqual(d.push(bytes.slice(2)), ['"é€"']);
});

Deno.test("LineDecoder drops lines over the cap and keeps going", () => {
  const dropped: number[] = [];
  const d = new LineDecoder({ maxLineBytes: 8, onOversize: (n) => dropped.push(n) });
  assert.deepEqual(d.push(enc("0123456789abc")), []);
  assert.deepEqual(d.push(enc("def\nok\n")), ["ok"]);
  assert.deepEqual(dropped, [16]);
});

Deno.test("encodeLine writes one JSON line", () => {
  assert.equal(new TextDecoder().decode(encodeLine({ a: 1 })), '{"a":1}\n');
});
