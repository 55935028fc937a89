import assert from "node:assert/strict";
import type { Message } from "../jsonrpc/message.ts";
import {
  checkStatelessHeaders,
  decodeHeaderValue,
  discoverResult,
  toStatelessResponse,
  toUpstreamRequest,
} from "./stateless.ts";

const META = {
  "io.modelcontextprotocol/protocolVersion": "2026-07-28",
  "io.modelcontextprotocol/clientCapabilities": {},
};
const call: Message = {
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "echo", arguments: {}, _meta: { ...META, progressToken: 3 } },
};

Deno.test("checkStatelessHeaders() requires the mirrored headers to match the body", () => {
  const h = (extra: Record<string, string>) =>
    new Headers({ "mcp-protocol-version": "2026-07-28", ...extra });
  const ok = h({ "mcp-method": "tools/call", "mcp-name": "echo" });
  assert.deepEqual(checkStatelessHeaders(ok, call), { ok: true });
  const cases: [Headers, number][] = [
    [h({ "mcp-method": "tools/call", "mcp-name": "x" }), -32020], // name differs
    [h({ "mcp-method": "tools/call" }), -32020], // name missing
    [h({ "mcp-name": "echo" }), -32020], // method missing
    [new Headers({ "mcp-method": "tools/call", "mcp-name": "echo" }), -32020], // version missing
    [
      new Headers({
        "mcp-protocol-version": "2025-06-18",
        "mcp-method": "tools/call",
        "mcp-name": "echo",
      }),
      -32020,
    ],
  ];
  for (const [headers, code] of cases) {
    const r = checkStatelessHeaders(headers, call);
    assert.ok(!r.ok && r.code === code && r.status === 400, JSON.stringify([...headers]));
  }
  const noCaps = checkStatelessHeaders(h({ "mcp-method": "tools/list" }), {
    jsonrpc: "2.0",
    id: 2,
    method: "tools/list",
    params: { _meta: { "io.modelcontextprotocol/protocolVersion": "2026-07-28" } },
  });
  assert.ok(!noCaps.ok && noCaps.code === -32602);
});

Deno.test("checkStatelessHeaders() lets a notification omit Mcp-Method, not contradict it", () => {
  const cancel: Message = {
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId: "listen:0", _meta: META },
  };
  const v = { "mcp-protocol-version": "2026-07-28" };
  assert.deepEqual(checkStatelessHeaders(new Headers(v), cancel), { ok: true });
  const same = new Headers({ ...v, "mcp-method": "notifications/cancelled" });
  assert.deepEqual(checkStatelessHeaders(same, cancel), { ok: true });
  const wrong = checkStatelessHeaders(new Headers({ ...v, "mcp-method": "tools/call" }), cancel);
  assert.ok(!wrong.ok && wrong.code === -32020);
  const request = checkStatelessHeaders(new Headers(v), call);
  assert.ok(!request.ok && request.code === -32020, "a request still needs it");
});

Deno.test("checkStatelessHeaders() decodes a Base64 sentinel Mcp-Name", () => {
  const named = { ...call, params: { ...call.params, name: "Hello, 世界" } };
  const encoded = "=?base64?SGVsbG8sIOS4lueVjA==?=";
  assert.equal(decodeHeaderValue(encoded), "Hello, 世界");
  const headers = new Headers({
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": "tools/call",
    "mcp-name": encoded,
  });
  assert.deepEqual(checkStatelessHeaders(headers, named), { ok: true });
});

Deno.test("toUpstreamRequest() strips the stateless _meta keys and keeps the rest", () => {
  const out = toUpstreamRequest(call);
  assert.deepEqual(out.params, { name: "echo", arguments: {}, _meta: { progressToken: 3 } });
  const bare = toUpstreamRequest({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/list",
    params: { _meta: META },
  });
  assert.deepEqual(bare.params, {});
});

Deno.test("discoverResult() and toStatelessResponse() shape 2026-07-28 results", () => {
  const d = discoverResult({
    capabilities: { tools: {} },
    serverInfo: { name: "s", version: "1" },
  });
  assert.equal(d.resultType, "complete");
  assert.ok((d.supportedVersions as string[]).includes("2026-07-28"));
  assert.deepEqual((d._meta as Record<string, unknown>)["io.modelcontextprotocol/serverInfo"], {
    name: "s",
    version: "1",
  });
  const r = toStatelessResponse(
    { jsonrpc: "2.0", id: 1, result: { content: [] } },
    "tools/call",
    undefined,
  );
  assert.deepEqual(r.result, { content: [], resultType: "complete" });
});
