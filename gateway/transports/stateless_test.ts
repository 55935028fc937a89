import assert from "node:assert/strict";
import type { Message } from "../jsonrpc/message.ts";
import {
  checkStatelessHeaders,
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

Deno.test("checkStatelessHeaders() requires Mcp-Method and Mcp-Name to match the body", () => {
  const ok = new Headers({
    "mcp-method": "tools/call",
    "mcp-name": "echo",
    "mcp-protocol-version": "2026-07-28",
  });
  assert.deepEqual(checkStatelessHeaders(ok, call), { ok: true });
  const wrongName = checkStatelessHeaders(
    new Headers({ "mcp-method": "tools/call", "mcp-name": "x" }),
    call,
  );
  assert.ok(!wrongName.ok && wrongName.code === -32001 && wrongName.status === 400);
  const noMethod = checkStatelessHeaders(new Headers({ "mcp-name": "echo" }), call);
  assert.ok(!noMethod.ok && noMethod.code === -32001);
  const wrongVersion = checkStatelessHeaders(
    new Headers({
      "mcp-method": "tools/call",
      "mcp-name": "echo",
      "mcp-protocol-version": "2025-06-18",
    }),
    call,
  );
  assert.ok(!wrongVersion.ok && wrongVersion.code === -32001);
  const noMeta = checkStatelessHeaders(new Headers({ "mcp-method": "tools/list" }), {
    jsonrpc: "2.0",
    id: 2,
    method: "tools/list",
  });
  assert.ok(!noMeta.ok && noMeta.code === -32602);
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
  const r = toStatelessResponse({ jsonrpc: "2.0", id: 1, result: { content: [] } });
  assert.deepEqual(r.result, { content: [], resultType: "complete" });
});
