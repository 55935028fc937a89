import assert from "node:assert/strict";
import { classify, parseBody } from "./message.ts";

Deno.test("classify() tells requests, notifications, responses and invalid values apart", () => {
  assert.equal(classify({ jsonrpc: "2.0", id: 1, method: "x" }), "request");
  assert.equal(classify({ jsonrpc: "2.0", method: "x" }), "notification");
  assert.equal(classify({ jsonrpc: "2.0", id: "a", result: {} }), "response");
  assert.equal(classify({ jsonrpc: "2.0", id: 1, error: { code: 1, message: "m" } }), "response");
  assert.equal(classify({ jsonrpc: "1.0", id: 1, method: "x" }), "invalid");
  assert.equal(classify({ jsonrpc: "2.0", id: {}, method: "x" }), "invalid");
  assert.equal(classify({ jsonrpc: "2.0", id: 1, result: 1, error: {} }), "invalid");
  assert.equal(classify({ jsonrpc: "2.0", id: 1, method: "x", params: 3 }), "invalid");
  assert.equal(classify([1]), "invalid");
});

Deno.test("parseBody() gives -32700 for bad JSON and -32600 for bad JSON-RPC", () => {
  const a = parseBody("{nope");
  assert.equal(!a.ok && a.error.error?.code, -32700);
  const b = parseBody('{"jsonrpc":"2.0","id":3}');
  assert.equal(!b.ok && b.error.error?.code, -32600);
  assert.equal(!b.ok && b.error.id, 3);
  const c = parseBody("[]");
  assert.equal(!c.ok && c.error.error?.code, -32600);
  const d = parseBody('[{"jsonrpc":"2.0","method":"a"},{"jsonrpc":"2.0","id":1,"method":"b"}]');
  assert.ok(d.ok && d.batch && d.messages.length === 2);
});
