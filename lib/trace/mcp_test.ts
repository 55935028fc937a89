import assert from "node:assert/strict";
import {
  headerCarrier,
  isTraceparent,
  mcpSpanName,
  metaCarrier,
  requestAttributes,
  responseOutcome,
  type RpcMessage,
  withMetaCarrier,
} from "./mcp.ts";

const TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

Deno.test("mcpSpanName() is `{method} {tool|prompt}`, else the method", () => {
  assert.equal(mcpSpanName({ method: "tools/call", params: { name: "echo" } }), "tools/call echo");
  assert.equal(mcpSpanName({ method: "prompts/get", params: { name: "p" } }), "prompts/get p");
  assert.equal(
    mcpSpanName({ method: "resources/read", params: { uri: "x://y" } }),
    "resources/read",
  );
  assert.equal(mcpSpanName({ method: "tools/call", params: { name: 3 } }), "tools/call");
});

Deno.test("requestAttributes() follows the MCP semantic conventions", () => {
  const a = requestAttributes(
    { id: 7, method: "tools/call", params: { name: "echo", arguments: { secret: "s" } } },
    {
      sessionId: "0123456789abcdef0123456789abcdef",
      protocolVersion: "2025-06-18",
      transport: "tcp",
    },
  );
  assert.deepEqual(a, {
    "mcp.method.name": "tools/call",
    "jsonrpc.request.id": "7",
    "gen_ai.tool.name": "echo",
    "gen_ai.operation.name": "execute_tool",
    "mcp.session.id": "0123456789abcdef",
    "mcp.protocol.version": "2025-06-18",
    "network.transport": "tcp",
  }, "arguments never recorded; only a prefix of the session id");
  assert.deepEqual(
    requestAttributes({ id: "r", method: "resources/read", params: { uri: "file:///a" } }, {}),
    {
      "mcp.method.name": "resources/read",
      "jsonrpc.request.id": "r",
      "mcp.resource.uri": "file:///a",
    },
  );
  assert.deepEqual(
    requestAttributes({ method: "prompts/get", params: { name: "p" } }, {}),
    { "mcp.method.name": "prompts/get", "gen_ai.prompt.name": "p" },
  );
});

Deno.test("responseOutcome(): JSON-RPC errors and tool errors fail the span", () => {
  assert.deepEqual(responseOutcome({ id: 1, result: { content: [] } }), { attributes: {} });
  assert.deepEqual(responseOutcome({ id: 1, error: { code: -32602, message: "bad" } }), {
    attributes: { "error.type": "-32602", "rpc.response.status_code": "-32602" },
    error: "bad",
  });
  assert.deepEqual(responseOutcome({ id: 1, result: { isError: true, content: [] } }), {
    attributes: { "error.type": "tool_error" },
    error: "tool_error",
  });
});

Deno.test("withMetaCarrier() copies the message, keeps other _meta keys, replaces the context", () => {
  const msg = {
    jsonrpc: "2.0" as const,
    id: 1,
    method: "tools/call",
    params: { name: "echo", _meta: { progressToken: 5, traceparent: "old" } },
  };
  const out = withMetaCarrier(msg, { traceparent: TP, tracestate: "a=b" });
  assert.deepEqual(out.params, {
    name: "echo",
    _meta: { progressToken: 5, traceparent: TP, tracestate: "a=b" },
  });
  assert.equal(msg.params._meta.traceparent, "old", "the original is not mutated");
  assert.deepEqual(metaCarrier(out), { traceparent: TP, tracestate: "a=b" });
  assert.deepEqual(withMetaCarrier({ method: "ping" } as RpcMessage, { traceparent: TP }).params, {
    _meta: { traceparent: TP },
  });
  assert.equal(metaCarrier(msg), undefined, "an invalid traceparent is ignored");
});

Deno.test("isTraceparent() and headerCarrier() accept only valid W3C trace context", () => {
  assert.ok(isTraceparent(TP));
  assert.ok(!isTraceparent(TP.toUpperCase()));
  assert.ok(!isTraceparent(`00-${"0".repeat(32)}-00f067aa0ba902b7-01`));
  assert.ok(!isTraceparent(`00-4bf92f3577b34da6a3ce929d0e0e4736-${"0".repeat(16)}-01`));
  assert.ok(!isTraceparent(`ff${TP.slice(2)}`));
  assert.deepEqual(headerCarrier(new Headers({ traceparent: TP, tracestate: "x=1" })), {
    traceparent: TP,
    tracestate: "x=1",
  });
  assert.equal(headerCarrier(new Headers({ traceparent: "nope" })), undefined);
});
