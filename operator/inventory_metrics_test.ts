import assert from "node:assert/strict";
import { Registry } from "prom-client";
import type { MCPPool, MCPServer } from "../lib/api/mod.ts";
import type { Pod } from "./build/types.ts";
import {
  registerInventoryMetrics,
  restartsOf,
  selectServers,
  serverFacts,
} from "./inventory_metrics.ts";

function server(name: string, status: MCPServer["status"] = {}, pool?: string): MCPServer {
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name, namespace: "ns" },
    spec: { image: `img/${name}:1`, ...(pool ? { pool } : {}) },
    status,
  };
}

function pod(
  restarts: Record<string, number>,
  opts: { hash?: string; deleting?: boolean } = {},
): Pod {
  const statuses = Object.entries(restarts).map(([name, restartCount]) => ({ name, restartCount }));
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "p",
      annotations: opts.hash ? { "nmcp.nwrx.io/spec-hash": opts.hash } : {},
      ...(opts.deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}),
    },
    spec: { containers: [] },
    status: { initContainerStatuses: statuses.slice(0, 1), containerStatuses: statuses.slice(1) },
  } as Pod;
}

Deno.test("serverFacts() reads phase, activity, last wake, restarts and info from status and pods", () => {
  const s = server("a", {
    phase: "Ready",
    currentConnections: 2,
    openSessions: 3,
    totalRequests: 40,
    lastWake: { requestedAt: "2026-01-01T00:00:00Z", durationMs: 2500 },
  }, "fast");
  const f = serverFacts(s, [pod({ "nmcp-gateway": 1, mcp: 4 }, { hash: "h1" })]);
  assert.deepEqual(f.labels, { namespace: "ns", server: "a", pool: "fast" });
  assert.deepEqual(f.phase.filter(([, v]) => v === 1), [[{ phase: "Ready" }, 1]]);
  assert.equal(f.phase.length, 7);
  assert.deepEqual([f.running, f.connections, f.sessions, f.requests], [1, 2, 3, 40]);
  assert.equal(f.lastWakeSeconds, 2.5);
  assert.deepEqual(f.restarts, [[{ container: "mcp" }, 4], [{ container: "nmcp-gateway" }, 1]]);
  assert.deepEqual(f.info, [{ image: "img/a:1", spec_hash: "h1" }, 1]);
  const idle = serverFacts(server("b"), []);
  assert.deepEqual(idle.phase.find(([, v]) => v === 1), [{ phase: "Idle" }, 1]);
  assert.equal(idle.lastWakeSeconds, undefined);
  assert.deepEqual(idle.info, [{ image: "img/b:1", spec_hash: "" }, 1]);
});

Deno.test("restartsOf() ignores terminating pods", () => {
  assert.deepEqual(restartsOf([pod({ mcp: 9 }, { deleting: true }), pod({ g: 0, mcp: 1 })]), [
    [{ container: "g" }, 0],
    [{ container: "mcp" }, 1],
  ]);
});

Deno.test("selectServers() keeps the first max servers by namespace/name", () => {
  const r = selectServers([server("c"), server("a"), server("b")], 2);
  assert.deepEqual(r.kept.map((s) => s.metadata.name), ["a", "b"]);
  assert.equal(r.omitted, 1);
});

Deno.test("registerInventoryMetrics() renders from the inventory at each scrape, capped", async () => {
  const servers = new Map([["a", server("a", { phase: "Starting" })], ["b", server("b")]]);
  const pools: MCPPool[] = [{
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPPool",
    metadata: { name: "default", namespace: "ns" },
    spec: { maxActive: 3 },
    status: { active: 1, idle: 0, pending: 2 },
  }];
  const registry = new Registry();
  registerInventoryMetrics(registry, { servers: () => servers.values(), pools: () => pools }, {
    maxServers: 1,
  });
  const text = await registry.metrics();
  assert.match(
    text,
    /^nmcp_server_phase\{namespace="ns",server="a",pool="default",phase="Starting"\} 1$/m,
  );
  assert.match(text, /^nmcp_server_running\{namespace="ns",server="a",pool="default"\} 1$/m);
  assert.doesNotMatch(text, /server="b"/);
  assert.match(text, /^nmcp_metrics_servers_omitted 1$/m);
  assert.match(text, /^nmcp_pool_pending\{namespace="ns",pool="default"\} 2$/m);
  servers.delete("a");
  const after = await registry.metrics();
  assert.doesNotMatch(after, /server="a"/, "a deleted server's series are gone");
  assert.match(
    after,
    /^nmcp_server_info\{namespace="ns",server="b",pool="default",image="img\/b:1",spec_hash=""\} 1$/m,
  );
});
