/**
 * `kubectl nmcp gateway` (router + API only) beside an operator process that runs the
 * controller: the unified paths `/api/v1/servers/{name}/sse|message|mcp` wake the server in the
 * gateway's namespace and carry MCP through the SDK's clients, the SSE `endpoint` event names
 * the message path under the same prefix, and the paths are authenticated and authorized
 * (`get mcpservers/connect`) like the namespaced router.
 */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/sse"
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { pluginEnv } from "./_cli_env.ts";
import { everything, startOperatorEnv, until } from "./operator_env.ts";

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Starts `kubectl nmcp gateway …` and waits for its /readyz. */
async function startGateway(env: Record<string, string>, args: string[]) {
  const port = freePort();
  const child = new Deno.Command("kubectl", {
    args: ["nmcp", "gateway", "--port", String(port), ...args],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  const stderr = new Response(child.stderr).text();
  const url = `http://127.0.0.1:${port}`;
  await until("gateway readyz", 60_000, async () => {
    const r = await fetch(`${url}/readyz`).catch(() => undefined);
    await r?.body?.cancel();
    return r?.ok ? true : undefined;
  });
  return {
    url,
    async stop() {
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      const { code } = await child.status;
      clearTimeout(timer);
      return { code, stderr: await stderr };
    },
  };
}

/** The first SSE event of `url` as {event, data}, read raw. */
async function firstEvent(url: string, headers: Record<string, string>) {
  const ctl = new AbortController();
  const res = await fetch(url, {
    headers: { ...headers, accept: "text/event-stream" },
    signal: ctl.signal,
  });
  assert.equal(res.status, 200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  for (let i = 0; i < 50 && !text.includes("\n\n"); i++) {
    const { value, done } = await reader.read();
    if (done) break;
    text += value;
  }
  ctl.abort();
  await reader.cancel().catch(() => {});
  const event = /event: *(.*)/.exec(text)?.[1];
  const data = /data: *(.*)/.exec(text)?.[1];
  return { event, data };
}

Deno.test({
  name:
    "kubectl nmcp gateway: unified /api/v1/servers/{name}/… paths wake and carry MCP, authorized",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const e = await startOperatorEnv();
    try {
      await e.startOperator(["--no-leader-elect"]);
      const env = await pluginEnv(e.env, { source: true });
      const gw = await startGateway(env, ["--namespace", "default"]);
      try {
        await e.k(["apply", "--validate=false", "-f", "-"], everything("ev"));
        await until("server cached by the gateway", 15_000, async () => {
          const r = await fetch(`${gw.url}/api/v1/servers/default/ev`, { headers: e.authHeaders });
          await r.body?.cancel();
          return r.ok ? true : undefined;
        });

        const anonymous = await fetch(`${gw.url}/api/v1/servers/ev/sse`);
        assert.equal(anonymous.status, 401);
        await anonymous.body?.cancel();

        const bob = await e.cluster.apiServer.issueUserToken("bob", []);
        const refused = await fetch(`${gw.url}/api/v1/servers/ev/mcp`, {
          method: "POST",
          headers: { authorization: `Bearer ${bob}`, "content-type": "application/json" },
          body: "{}",
        });
        assert.equal(refused.status, 403);
        assert.match(
          (await refused.json()).message,
          /User "bob" cannot get resource "mcpservers\/connect" in API group "nmcp.nwrx.io" in the namespace "default"/,
        );

        const mcp = new Client({ name: "unified", version: "1" });
        await mcp.connect(
          new StreamableHTTPClientTransport(new URL(`${gw.url}/api/v1/servers/ev/mcp`), {
            requestInit: { headers: e.authHeaders },
          }),
        );
        const hi = await mcp.callTool({ name: "echo", arguments: { message: "unified" } });
        assert.match(JSON.stringify(hi.content), /unified/);
        await mcp.close();

        const first = await firstEvent(`${gw.url}/api/v1/servers/ev/sse`, e.authHeaders);
        assert.equal(first.event, "endpoint");
        assert.match(first.data ?? "", /^\/api\/v1\/servers\/ev\/message\?sessionId=/);

        const legacy = new Client({ name: "legacy", version: "1" });
        await legacy.connect(
          new SSEClientTransport(new URL(`${gw.url}/api/v1/servers/ev/sse`), {
            requestInit: { headers: e.authHeaders },
          }),
        );
        const viaSse = await legacy.callTool({ name: "echo", arguments: { message: "sse" } });
        assert.match(JSON.stringify(viaSse.content), /sse/);
        await legacy.close();

        const missing = await fetch(`${gw.url}/api/v1/servers/nope/mcp`, {
          method: "POST",
          headers: { ...e.authHeaders, "content-type": "application/json" },
          body: "{}",
        });
        assert.equal(missing.status, 404);
        assert.match((await missing.json()).error, /Cannot find MCPServer "default\/nope"/);
      } finally {
        const { code, stderr } = await gw.stop();
        assert.equal(code, 0, stderr);
        assert.match(stderr, /controller disabled \(--disable-operator\)/);
      }
      const noApi = await startGateway(env, ["--disable-api"]);
      const api = await fetch(`${noApi.url}/api/v1/servers`, { headers: e.authHeaders });
      assert.equal(api.status, 404, "--disable-api: no management API");
      await api.body?.cancel();
      assert.equal((await noApi.stop()).code, 0);
    } finally {
      await e.close();
    }
  },
});
