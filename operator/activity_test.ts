import assert from "node:assert/strict";
import { createLogger } from "../lib/log.ts";
import type { MCPServer } from "../lib/api/mod.ts";
import { ActivityPoller, activityTargets } from "./activity.ts";
import type { Pod } from "./build/types.ts";
import { Cache } from "./controller/cache.ts";
import type { KubeClient } from "../lib/kube/mod.ts";

Deno.test("ActivityPoller reads /activity with the gateway's token and reports only changes", async () => {
  let total = 1;
  const gw = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (new URL(req.url).pathname !== "/activity") return new Response("no", { status: 404 });
    if (req.headers.get("authorization") !== "Bearer gw-a") {
      return new Response("unauthorized", { status: 401 });
    }
    return Response.json({
      openSessions: 1,
      currentConnections: 1,
      totalRequests: total,
      lastRequestAt: null,
      upstream: { state: "ready", restarts: 0 },
      serverInfo: null,
    });
  });
  const changed: string[] = [];
  const targets = [
    { key: "ns/a", url: `http://127.0.0.1:${gw.addr.port}`, token: "gw-a" },
    { key: "ns/dead", url: "http://127.0.0.1:1" },
    { key: "ns/wrong-token", url: `http://127.0.0.1:${gw.addr.port}`, token: "other" },
  ];
  const poller = new ActivityPoller({
    targets: () => targets,
    onChange: (k) => changed.push(k),
    log: createLogger({}, { level: "error" }),
    timeoutMs: 1000,
  });
  try {
    await poller.pollOnce();
    await poller.pollOnce();
    total = 2;
    await poller.pollOnce();
    assert.deepEqual(changed, ["ns/a", "ns/a"]);
    assert.equal(poller.latest.get("ns/a")?.totalRequests, 2);
    assert.equal(poller.latest.has("ns/dead"), false);
    assert.equal(poller.latest.has("ns/wrong-token"), false, "a 401 is not activity");
    targets.length = 0;
    await poller.pollOnce();
    assert.equal(poller.latest.size, 0, "stopped servers are forgotten");
  } finally {
    await poller.stop();
    await gw.shutdown();
  }
});

Deno.test("activityTargets() lists Ready servers with bracketed IPv6 URLs and their tokens", async () => {
  const cache = new Cache({} as KubeClient, { log: createLogger({}, { level: "error" }) });
  const server = (name: string, phase: string): MCPServer => ({
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name, namespace: "ns", uid: `uid-${name}` },
    spec: { image: "img" },
    status: { phase: phase as "Ready", podName: `${name}-1` },
  });
  const pod = (name: string, podIP: string) =>
    ({ metadata: { name: `${name}-1`, namespace: "ns" }, status: { podIP } }) as Pod;
  cache.servers.upsert(server("v6", "Ready"));
  cache.pods.upsert(pod("v6", "fd00::5"));
  cache.servers.upsert(server("v4", "Ready"));
  cache.pods.upsert(pod("v4", "10.0.0.7"));
  cache.servers.upsert(server("idle", "Idle"));
  cache.pods.upsert(pod("idle", "10.0.0.8"));
  const targets = await activityTargets(cache, (s) => Promise.resolve(`t-${s.metadata.uid}`));
  assert.deepEqual(targets.sort((a, b) => a.key.localeCompare(b.key)), [
    { key: "ns/v4", url: "http://10.0.0.7:8080", token: "t-uid-v4" },
    { key: "ns/v6", url: "http://[fd00::5]:8080", token: "t-uid-v6" },
  ]);
});
