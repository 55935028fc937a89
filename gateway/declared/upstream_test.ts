import assert from "node:assert/strict";
import { createLogger } from "../../lib/log.ts";
import { parseToolPolicy } from "../../lib/tool_policy/mod.ts";
import { INIT, post } from "../_testing.ts";
import { createGateway } from "../server.ts";
import { DeclaredCatalog } from "./catalog.ts";
import { EMPTY } from "./file.ts";

const log = createLogger({}, { write: () => {} });

/** A backend whose answer never comes; it notes when the gateway gives up on a request. */
function hangingBackend() {
  const state = { started: 0, aborted: 0 };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, (req) => {
    state.started++;
    return new Promise<Response>((resolve) => {
      req.signal.addEventListener("abort", () => {
        state.aborted++;
        resolve(new Response("gone"));
      });
    });
  });
  return { url: `http://127.0.0.1:${server.addr.port}`, state, close: () => server.shutdown() };
}

async function rpc(
  handler: (r: Request) => Promise<Response>,
  sid: string,
  id: number,
  method: string,
  params: unknown = {},
) {
  const headers = { "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" };
  const res = await handler(post({ jsonrpc: "2.0", id, method, params }, headers));
  return await res.json();
}

Deno.test("virtual gateway: a declared call past --request-timeout gets -32001 and its backend request is aborted", async () => {
  const backend = hangingBackend();
  const catalog = new DeclaredCatalog({
    ...EMPTY,
    tools: ["hang", "hidden"].map((name) => ({
      name,
      inputSchema: { type: "object" },
      http: { url: `${backend.url}/${name}`, method: "POST" as const, timeoutMs: 60_000 },
    })),
  }, log);
  const policy = parseToolPolicy('{"deny": ["hidden"]}');
  assert.ok(policy.ok);
  const gw = createGateway({
    upstream: { kind: "virtual" },
    declared: { catalog, serverName: "unit" },
    toolPolicy: policy.policy,
    requestTimeoutMs: 300,
    log,
  });
  try {
    assert.ok(await gw.whenReady(1000));
    const init = await gw.handler(post(INIT));
    assert.equal((await init.json()).result.serverInfo.name, "unit");
    const sid = init.headers.get("mcp-session-id")!;
    // The tool policy applies to declared tools like to any server's.
    const list = await rpc(gw.handler, sid, 1, "tools/list");
    assert.deepEqual(list.result.tools.map((t: { name: string }) => t.name), ["hang"]);
    const refused = await rpc(gw.handler, sid, 2, "tools/call", { name: "hidden", arguments: {} });
    assert.equal(refused.error.code, -32602);
    assert.equal(backend.state.started, 0);
    const late = await rpc(gw.handler, sid, 3, "tools/call", { name: "hang", arguments: {} });
    assert.equal(late.error.code, -32001);
    const until = Date.now() + 2000;
    while (backend.state.aborted === 0 && Date.now() < until) {
      await new Promise((r) => setTimeout(r, 20));
    }
    assert.deepEqual(backend.state, { started: 1, aborted: 1 });
    // A new catalog is what the next list shows, without a restart.
    const renamed = { ...catalog.current.tools[0], name: "renamed" };
    assert.deepEqual(catalog.set({ ...catalog.current, tools: [renamed] }), ["tools"]);
    const after = await rpc(gw.handler, sid, 4, "tools/list");
    assert.deepEqual(after.result.tools.map((t: { name: string }) => t.name), ["renamed"]);
  } finally {
    await gw.close();
    await backend.close();
  }
});
