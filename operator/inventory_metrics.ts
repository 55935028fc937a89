/**
 * Per-server and per-pool Prometheus series, computed from the cache at scrape time by pure
 * functions (no state: a deleted server's series are gone at the next scrape).
 *
 * Per server `{namespace,server,pool}`: `nmcp_server_phase{phase}` (1 for the current phase),
 * `nmcp_server_running`, `nmcp_server_connections`, `nmcp_server_sessions`,
 * `nmcp_server_requests`, `nmcp_server_last_wake_seconds`, `nmcp_server_restarts{container}`
 * and `nmcp_server_info{image,spec_hash}` (value 1, for joins). Per pool `{namespace,pool}`:
 * `nmcp_pool_active|idle|pending|max_active`. At most `maxServers` servers (by namespace/name)
 * get series; `nmcp_metrics_servers_omitted` counts the rest.
 *
 * @module
 */

import { Gauge, type Registry } from "prom-client";
import { ANNOTATIONS, type MCPPool, type MCPServer, packageLabel, PHASES } from "../lib/api/mod.ts";
import type { Pod } from "./build/types.ts";

/** What the series are read from (the cache's stores). */
export interface Inventory {
  servers: () => Iterable<MCPServer>;
  pools: () => Iterable<MCPPool>;
  /** The pods of a server. Default none. */
  pods?: (server: MCPServer) => Pod[];
}

/** Options of {@linkcode registerInventoryMetrics}. */
export interface InventoryMetricsOptions {
  /** Most servers with per-server series. Default 2000. */
  maxServers?: number;
}

/** Labels of a per-server series. */
export type ServerLabels = { namespace: string; server: string; pool: string };

/** One sample: extra labels (beyond the server's) and its value. */
export type Sample = [Record<string, string>, number];

/** What the per-server series say about one server (pure). */
export interface ServerFacts {
  labels: ServerLabels;
  phase: Sample[];
  running: number;
  connections: number;
  sessions: number;
  requests: number;
  lastWakeSeconds?: number;
  restarts: Sample[];
  info: Sample;
}

const RUNNING = new Set(["Ready", "Starting", "Degraded"]);

/** The labels of a server's series. */
export function serverLabels(s: MCPServer): ServerLabels {
  return {
    namespace: s.metadata.namespace ?? "",
    server: s.metadata.name ?? "",
    pool: s.spec.pool ?? "default",
  };
}

/** Container restarts of the server's live pods, by container name. */
export function restartsOf(pods: Pod[]): Sample[] {
  const sums = new Map<string, number>();
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    for (
      const c of [...p.status?.initContainerStatuses ?? [], ...p.status?.containerStatuses ?? []]
    ) {
      sums.set(c.name, (sums.get(c.name) ?? 0) + (c.restartCount ?? 0));
    }
  }
  return [...sums].sort(([a], [b]) => a.localeCompare(b)).map((
    [container, n],
  ) => [{ container }, n]);
}

/** The facts of one server and its pods (pure). */
export function serverFacts(s: MCPServer, pods: Pod[]): ServerFacts {
  const st = s.status ?? {};
  const current = st.phase ?? "Idle";
  const live = pods.find((p) => !p.metadata.deletionTimestamp);
  const wake = st.lastWake?.durationMs;
  return {
    labels: serverLabels(s),
    phase: PHASES.map((phase) => [{ phase }, phase === current ? 1 : 0]),
    running: RUNNING.has(current) ? 1 : 0,
    connections: st.currentConnections ?? 0,
    sessions: st.openSessions ?? 0,
    requests: st.totalRequests ?? 0,
    ...(wake === undefined ? {} : { lastWakeSeconds: wake / 1000 }),
    restarts: restartsOf(pods),
    info: [{
      image: s.spec.image ?? (s.spec.package ? packageLabel(s.spec.package) : ""),
      spec_hash: live?.metadata.annotations?.[ANNOTATIONS.specHash] ?? "",
    }, 1],
  };
}

/** The servers that get series (first `max` by namespace/name) and how many are left out. */
export function selectServers(servers: Iterable<MCPServer>, max: number) {
  const key = (s: MCPServer) => `${s.metadata.namespace}/${s.metadata.name}`;
  const all = [...servers].sort((a, b) => key(a).localeCompare(key(b)));
  return { kept: all.slice(0, max), omitted: Math.max(0, all.length - max) };
}

type FactSamples = (f: ServerFacts) => Sample[];

const SERVER_SERIES: [string, string, string[], FactSamples][] = [
  [
    "nmcp_server_phase",
    "1 for the MCPServer's current phase, 0 for the others",
    ["phase"],
    (f) => f.phase,
  ],
  ["nmcp_server_running", "1 when the MCPServer runs", [], (f) => [[{}, f.running]]],
  [
    "nmcp_server_connections",
    "Live connections of the MCPServer",
    [],
    (f) => [[{}, f.connections]],
  ],
  [
    "nmcp_server_sessions",
    "Open sessions at the MCPServer's gateway",
    [],
    (f) => [[{}, f.sessions]],
  ],
  [
    "nmcp_server_requests",
    "Requests the MCPServer's gateway served (since its start)",
    [],
    (f) => [[{}, f.requests]],
  ],
  [
    "nmcp_server_last_wake_seconds",
    "Request to Ready of the MCPServer's last wake",
    [],
    (f) => f.lastWakeSeconds === undefined ? [] : [[{}, f.lastWakeSeconds]],
  ],
  [
    "nmcp_server_restarts",
    "Container restarts of the MCPServer's pod",
    ["container"],
    (f) => f.restarts,
  ],
  ["nmcp_server_info", "1 per MCPServer, with its image and the spec hash of its pod", [
    "image",
    "spec_hash",
  ], (f) => [f.info]],
];

type PoolValue = (p: MCPPool) => number | undefined;

const POOL_SERIES: [string, string, PoolValue][] = [
  ["nmcp_pool_active", "Servers of the pool running", (p) => p.status?.active ?? 0],
  ["nmcp_pool_idle", "Running servers of the pool without sessions", (p) => p.status?.idle ?? 0],
  ["nmcp_pool_pending", "Servers of the pool waiting for a slot", (p) => p.status?.pending ?? 0],
  ["nmcp_pool_max_active", "The pool's maxActive (unset: absent)", (p) => p.spec.maxActive],
];

/** Registers the per-server and per-pool gauges in `registry`. */
export function registerInventoryMetrics(
  registry: Registry,
  inv: Inventory,
  opts: InventoryMetricsOptions = {},
): void {
  const max = opts.maxServers ?? 2000;
  const facts = () =>
    selectServers(inv.servers(), max).kept.map((s) => serverFacts(s, inv.pods?.(s) ?? []));
  for (const [name, help, extra, samples] of SERVER_SERIES) {
    new Gauge({
      name,
      help,
      labelNames: ["namespace", "server", "pool", ...extra],
      registers: [registry],
      collect() {
        this.reset();
        for (const f of facts()) {
          for (const [l, v] of samples(f)) this.set({ ...f.labels, ...l }, v);
        }
      },
    });
  }
  new Gauge({
    name: "nmcp_metrics_servers_omitted",
    help: `MCPServers without per-server series (beyond the first ${max})`,
    registers: [registry],
    collect() {
      this.set(selectServers(inv.servers(), max).omitted);
    },
  });
  for (const [name, help, value] of POOL_SERIES) {
    new Gauge({
      name,
      help,
      labelNames: ["namespace", "pool"],
      registers: [registry],
      collect() {
        this.reset();
        for (const p of inv.pools()) {
          const v = value(p);
          if (v !== undefined) {
            this.set({ namespace: p.metadata.namespace ?? "", pool: p.metadata.name ?? "" }, v);
          }
        }
      },
    });
  }
}
