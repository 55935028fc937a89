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

/** Starts `kubectl nmcp gateway …` (or `verb`) and waits for its /readyz. */
async function startGateway(env: Record<string, string>, args: string[], verb = "gateway") {
  const port = freePort();
  const child = new Deno.Command("kubectl", {
    args: ["nmcp", verb, "--port", String(port), ...args],
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

        const uid = await e.k(["get", "mcpserver", "ev", "-o", "jsonpath={.metadata.uid}"]);
        const byUid = await firstEvent(`${gw.url}/api/v1/servers/${uid}/sse`, e.authHeaders);
        assert.match(byUid.data ?? "", new RegExp(`^/api/v1/servers/${uid}/message\\?sessionId=`));

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

/** A JSON request to the gateway as the cluster admin. */
function api(url: string, headers: Record<string, string>, method = "GET", body?: unknown) {
  return fetch(url, {
    method,
    headers: { ...headers, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

Deno.test({
  name:
    "kubectl nmcp gateway: unmcp's management API (CRUD, uid or name, 405/404/409/422, metrics)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const e = await startOperatorEnv();
    try {
      const gw = await startGateway(await pluginEnv(e.env, { source: true }), []);
      const h = e.authHeaders;
      const at = (path: string) => `${gw.url}${path}`;
      try {
        for (const probe of ["/health", "/ready"]) {
          assert.equal((await fetch(at(probe))).status, 200);
        }
        const pool = {
          metadata: { name: "default" },
          spec: { maxIdle: 2, maxActive: 5, defaultIdleTimeout: "60s" },
        };
        assert.equal((await api(at("/api/v1/pools"), h, "POST", pool)).status, 201);
        const ctx7 = {
          metadata: { name: "context7" },
          spec: {
            image: "mcp/context7:latest",
            pool: "default",
            idleTimeout: "60s",
            transport: { type: "stdio" },
          },
        };
        const created = await api(at("/api/v1/servers"), h, "POST", ctx7);
        assert.equal(created.status, 201);
        assert.equal((await created.json()).status.isRunning, false);
        const invalid = await api(at("/api/v1/servers"), h, "POST", {
          metadata: { name: "bad" },
          spec: { image: "i", idleTimeout: "5x" },
        });
        assert.equal(invalid.status, 422);
        assert.match(
          (await invalid.json()).error,
          /spec.idleTimeout: .*must be a whole number of seconds/,
        );

        const got = await until("context7 in the gateway's cache", 15_000, async () => {
          const r = await api(at("/api/v1/servers/context7"), h);
          return r.ok ? await r.json() : (await r.body?.cancel(), undefined);
        });
        assert.equal(got.name, "context7");
        assert.equal(got.namespace, "default");
        assert.equal(got.pool, "default");
        assert.equal(got.idleTimeout, 60);
        assert.deepEqual(Object.keys(got.status).sort(), [
          "currentConnections",
          "isIdle",
          "isRunning",
          "lastRequestAt",
          "openSessions",
          "phase",
          "totalRequests",
        ]);
        const byUid = await (await api(at(`/api/v1/servers/${got.uid}`), h)).json();
        assert.equal(byUid.name, "context7");
        const list = await (await api(at("/api/v1/servers"), h)).json();
        assert.deepEqual(list.items.map((s: { name: string }) => s.name), ["context7"]);
        const nsList = await (await api(at("/api/v1/namespaces/default/servers"), h)).json();
        assert.equal(nsList.items.length, 1);

        const put = await api(at("/api/v1/servers/context7"), h, "PUT", {
          metadata: { resourceVersion: got.resourceVersion },
          spec: { ...ctx7.spec, idleTimeout: "5m" },
        });
        assert.equal(put.status, 200, await put.clone().text());
        assert.equal((await put.json()).idleTimeout, 300);
        const stale = await api(at("/api/v1/servers/context7"), h, "PUT", {
          metadata: { resourceVersion: got.resourceVersion },
          spec: ctx7.spec,
        });
        assert.equal(stale.status, 409);
        await stale.body?.cancel();

        const post = await api(at("/api/v1/servers/context7"), h, "POST", {});
        assert.equal(post.status, 405);
        assert.equal(post.headers.get("allow"), "GET, PUT, DELETE");
        await post.body?.cancel();
        const missing = await api(at("/api/v1/servers/nope"), h);
        assert.equal(missing.status, 404);
        assert.match(
          (await missing.json()).error,
          /Cannot find MCPServer "default\/nope": not found/,
        );

        const metrics = await (await api(at("/api/v1/metrics"), h)).json();
        assert.equal(metrics.totalServers, 1);
        assert.equal(metrics.activeServers, 0);
        assert.deepEqual(metrics.byPhase, { Idle: 1 });
        assert.deepEqual(metrics.pools.map((p: { name: string }) => p.name), ["default"]);
        const pm = await (await api(at("/api/v1/metrics/pools/default"), h)).json();
        assert.deepEqual([pm.maxActive, pm.maxIdle, pm.totalServers], [5, 2, 1]);
        const sm = await (await api(at("/api/v1/metrics/servers/context7"), h)).json();
        assert.equal(sm.totalRequests, 0);

        const prom = await (await api(at("/metrics"), h)).text();
        assert.match(
          prom,
          /\nnmcp_server_running\{namespace="default",server="context7",pool="default"\} 0\n/,
        );
        assert.match(
          prom,
          /\nnmcp_server_requests\{namespace="default",server="context7",pool="default"\} 0\n/,
        );
        assert.match(prom, /\nnmcp_pool_max_active\{namespace="default",pool="default"\} 5\n/);
        assert.match(prom, /\nnmcp_pool_active\{namespace="default",pool="default"\} 0\n/);

        const del = await api(at("/api/v1/pools/default"), h, "DELETE");
        assert.equal(del.status, 204);
        await until("the pool's servers deleted", 15_000, async () => {
          const r = await e.kubectl(["get", "mcpservers,mcppools", "-o", "name"]);
          return r.code === 0 && r.stdout.trim() === "" ? true : undefined;
        });
      } finally {
        assert.equal((await gw.stop()).code, 0);
      }
    } finally {
      await e.close();
    }
  },
});

Deno.test({
  name: "kubectl nmcp operator: the controller runs in the plugin against the kubeconfig",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const e = await startOperatorEnv();
    try {
      const env = await pluginEnv(e.env, { source: true });
      const op = await startGateway(
        env,
        ["--namespace", "default", "--log-level", "debug"],
        "operator",
      );
      try {
        await e.k(["apply", "--validate=false", "-f", "-"], everything("ev"));
        await until("Idle status written by the plugin's controller", 20_000, async () => {
          const phase = await e.k(["get", "mcpserver", "ev", "-o", "jsonpath={.status.phase}"]);
          return phase === "Idle" ? true : undefined;
        });
      } finally {
        const { code, stderr } = await op.stop();
        assert.equal(code, 0, stderr);
        assert.doesNotMatch(stderr, /controller disabled/);
      }
    } finally {
      await e.close();
    }
  },
});
