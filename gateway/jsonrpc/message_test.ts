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

Deno.test("classify() refuses shapes MCP does not allow (issue 13: they were never answered)", () => {
  assert.equal(classify({ jsonrpc: "2.0", id: 1, method: "tools/list", params: [1] }), "invalid");
  assert.equal(classify({ jsonrpc: "2.0", id: 1, method: "x", params: null }), "invalid");
  assert.equal(classify({ jsonrpc: "2.0", id: 1, method: "x", result: {} }), "invalid");
  assert.equal(classify({ jsonrpc: "2.0", method: "x", error: { code: 1 } }), "invalid");
  assert.equal(classify({ jsonrpc: "2.0", id: null, method: "x" }), "invalid");
  assert.equal(
    classify({ jsonrpc: "2.0", id: null, error: { code: 1, message: "m" } }),
    "response",
  );
});

Deno.test("parseBody() answers a non-object _meta with -32602 and the request's id", () => {
  for (const meta of ["true", "null", "[1]", '"x"', "3"]) {
    const r = parseBody(
      `{"jsonrpc":"2.0","id":7,"method":"tools/list","params":{"_meta":${meta}}}`,
    );
    assert.ok(!r.ok, meta);
    assert.deepEqual(r.error, {
      jsonrpc: "2.0",
      id: 7,
      error: { code: -32602, message: "Invalid params: params._meta must be an object" },
    });
  }
  assert.ok(parseBody('{"jsonrpc":"2.0","id":7,"method":"x","params":{"_meta":{}}}').ok);
});

Deno.test("parseBody() does not throw on a response carrying non-object params (fuzz seed 20261201)", () => {
  for (const params of ["null", "0", '"x"', "true", "9007199254740992"]) {
    const r = parseBody(`{"jsonrpc":"2.0","id":7,"result":{},"params":${params}}`);
    assert.ok(r.ok, params);
  }
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
