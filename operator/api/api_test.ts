import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import { createLogger } from "../../lib/log.ts";
import type { Pod } from "../build/types.ts";
import { Cache } from "../controller/cache.ts";
import type { KubeClient } from "../../lib/kube/mod.ts";
import { createManagementApi } from "./management.ts";
import { waitReachable } from "./ready.ts";
import { createRouter, parseRoute } from "./router.ts";

function setup() {
  const calls: string[] = [];
  const client = {
    request(method: string, path: string) {
      calls.push(`${method} ${path}`);
      return Promise.resolve({});
    },
    stream: () => Promise.reject(new Error("no")),
    close() {},
  } as unknown as KubeClient;
  const cache = new Cache(client, { log: createLogger({}, { level: "error" }) });
  return { calls, client, cache };
}

function server(name: string, status?: MCPServer["status"]): MCPServer {
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name, namespace: "ns", uid: `u-${name}`, resourceVersion: String(Math.random()) },
    spec: { image: "img", pool: "default" },
    status,
  };
}

Deno.test("parseRoute() splits /servers/{ns}/{name}/{rest}", () => {
  assert.deepEqual(parseRoute("/servers/a/b/mcp"), { ns: "a", name: "b", rest: "/mcp" });
  assert.deepEqual(parseRoute("/servers/a/b"), { ns: "a", name: "b", rest: "/mcp" });
  assert.equal(parseRoute("/api/v1/servers"), undefined);
});

Deno.test("waitReachable() resolves from cache events once Ready with a pod IP", async () => {
  const { cache } = setup();
  cache.servers.upsert(server("a", { phase: "Starting", podName: "a-1" }));
  const waiting = waitReachable(cache, "ns/a", 2000);
  const pod = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "a-1", namespace: "ns", labels: { "nmcp.nwrx.io/server": "a" } },
    spec: { containers: [] },
    status: { podIP: "10.1.2.3" },
  } as Pod;
  cache.pods.upsert(pod);
  let settled = false;
  waiting.then(() => settled = true);
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(settled, false, "a Starting server with an unready pod is not reachable");
  cache.pods.upsert({
    ...pod,
    status: { ...pod.status, conditions: [{ type: "Ready", status: "True" }] },
  });
  assert.deepEqual(await waiting, { url: "http://10.1.2.3:8080" });
  assert.equal(await waitReachable(cache, "ns/none", 50), undefined);
  cache.servers.upsert(server("f", {
    phase: "Failed",
    conditions: [{
      type: "Configured",
      status: "False",
      reason: "X",
      message: "bad image",
      lastTransitionTime: "",
    }],
  }));
  assert.deepEqual(await waitReachable(cache, "ns/f", 50), { failed: "bad image" });
});

Deno.test("router answers 404 for unknown servers and asks for an idle one", async () => {
  const { cache, client, calls } = setup();
  const router = createRouter({
    client,
    cache,
    log: createLogger({}, { level: "error" }),
    wakeTimeoutMs: 50,
    serverToken: () => Promise.resolve("server-token"),
  });
  const alice = { username: "alice", groups: [], source: "kubernetes" as const };
  const post = new Request("http://op/servers/ns/x/mcp", { method: "POST" });
  const missing = await router(post, alice);
  assert.equal(missing.status, 404);
  assert.match((await missing.json()).error, /Cannot find MCPServer "ns\/x"/);
  cache.servers.upsert(server("idle", { phase: "Idle" }));
  const timeout = await router(new Request("http://op/servers/ns/idle/mcp"), alice);
  assert.equal(timeout.status, 504);
  await timeout.body?.cancel();
  assert.deepEqual(calls, ["PATCH /apis/nmcp.nwrx.io/v1/namespaces/ns/mcpservers/idle"]);
});

Deno.test("management API lists and gets server summaries", async () => {
  const { cache, client, calls } = setup();
  // One abandoned session: no live connection, so idle.
  const b0 = { phase: "Ready" as const, currentConnections: 0, openSessions: 1, totalRequests: 4 };
  cache.servers.upsert(server("b", b0));
  cache.servers.upsert(server("a", { phase: "Idle" }));
  const api = createManagementApi(client, cache);
  const list = await (await api(new Request("http://op/api/v1/namespaces/ns/servers"))).json();
  assert.deepEqual(list.items.map((s: { name: string }) => s.name), ["a", "b"]);
  const b = await (await api(new Request("http://op/api/v1/servers/ns/b"))).json();
  assert.deepEqual(
    [b.phase, b.isRunning, b.isIdle, b.currentConnections, b.openSessions, b.totalRequests],
    ["Ready", true, true, 0, 1, 4],
  );
  assert.equal((await api(new Request("http://op/api/v1/servers/ns/zz"))).status, 404);
  const del = await api(new Request("http://op/api/v1/servers/ns/a", { method: "DELETE" }));
  assert.equal(del.status, 204);
  assert.deepEqual(calls, ["DELETE /apis/nmcp.nwrx.io/v1/namespaces/ns/mcpservers/a"]);
});
