/**
 * What the management API answers: servers and pools in unmcp's shape (`name`, `namespace`,
 * `pool`, `status: {isRunning, isIdle, totalRequests, currentConnections, lastRequestAt}`, plus
 * nmcp's own fields), and the JSON metrics of `/api/v1/metrics…`.
 *
 * @module
 */

import { type MCPPool, type MCPServer, packageLabel } from "../../lib/api/mod.ts";
import type { Cache } from "../controller/cache.ts";
import { idleTimeoutOf } from "../reconcile/request.ts";

/** The activity of a server, as unmcp reports it. */
export interface ServerStatusSummary {
  phase: string;
  isRunning: boolean;
  isIdle: boolean;
  totalRequests: number;
  /** Requests in flight plus open streams (what keeps a server from idling). */
  currentConnections: number;
  /** Sessions open at the gateway, live or abandoned. */
  openSessions: number;
  lastRequestAt: string | null;
}

/** A server as the management API shows it (the status fields also flat, as before). */
export interface ServerSummary extends ServerStatusSummary {
  uid: string | null;
  namespace: string;
  name: string;
  pool: string;
  image: string;
  /** Seconds (the server's, else its pool's, else 600; 0 = never). */
  idleTimeout: number;
  endpoint: string | null;
  resourceVersion: string | null;
  status: ServerStatusSummary;
}

/** A pool as the management API shows it. */
export interface PoolSummary {
  uid: string | null;
  namespace: string;
  name: string;
  maxActive: number | null;
  maxIdle: number | null;
  active: number;
  idle: number;
  pending: number;
  resourceVersion: string | null;
}

const RUNNING = new Set(["Ready", "Starting", "Degraded"]);

/** Summarizes a server (`pool`: its MCPPool, for the default idle timeout). */
export function summarizeServer(s: MCPServer, pool?: MCPPool): ServerSummary {
  const st = s.status ?? {};
  const phase = st.phase ?? "Idle";
  const status: ServerStatusSummary = {
    phase,
    isRunning: RUNNING.has(phase),
    isIdle: phase === "Ready" && (st.currentConnections ?? 0) === 0,
    totalRequests: st.totalRequests ?? 0,
    currentConnections: st.currentConnections ?? 0,
    openSessions: st.openSessions ?? 0,
    lastRequestAt: st.lastRequestAt ?? null,
  };
  return {
    uid: s.metadata.uid ?? null,
    namespace: s.metadata.namespace!,
    name: s.metadata.name!,
    pool: s.spec.pool ?? "default",
    image: s.spec.image ?? (s.spec.package ? packageLabel(s.spec.package) : ""),
    idleTimeout: idleTimeoutOf(s, pool),
    endpoint: st.endpoint ?? null,
    resourceVersion: s.metadata.resourceVersion ?? null,
    ...status,
    status,
  };
}

/** Summarizes a pool. */
export function summarizePool(p: MCPPool): PoolSummary {
  return {
    uid: p.metadata.uid ?? null,
    namespace: p.metadata.namespace!,
    name: p.metadata.name!,
    maxActive: p.spec.maxActive ?? null,
    maxIdle: p.spec.maxIdle ?? null,
    active: p.status?.active ?? 0,
    idle: p.status?.idle ?? 0,
    pending: p.status?.pending ?? 0,
    resourceVersion: p.metadata.resourceVersion ?? null,
  };
}

/** The summary of a cached server, with its pool. */
export function serverSummaryIn(cache: Cache, s: MCPServer): ServerSummary {
  return summarizeServer(
    s,
    cache.pools.store.get(`${s.metadata.namespace}/${s.spec.pool ?? "default"}`),
  );
}

/** Servers of the pool `namespace/name`. */
export function serversOfPool(cache: Cache, namespace: string, name: string): MCPServer[] {
  return [...cache.servers.store.values()].filter((s) =>
    s.metadata.namespace === namespace && (s.spec.pool ?? "default") === name
  );
}

interface Totals {
  totalServers: number;
  activeServers: number;
  idleServers: number;
  totalRequests: number;
  currentConnections: number;
  byPhase: Record<string, number>;
}

function totals(servers: ServerSummary[]): Totals {
  const byPhase: Record<string, number> = {};
  for (const s of servers) byPhase[s.phase] = (byPhase[s.phase] ?? 0) + 1;
  return {
    totalServers: servers.length,
    activeServers: servers.filter((s) => s.isRunning).length,
    idleServers: servers.filter((s) => s.isIdle).length,
    totalRequests: servers.reduce((n, s) => n + s.totalRequests, 0),
    currentConnections: servers.reduce((n, s) => n + s.currentConnections, 0),
    byPhase,
  };
}

/** `/api/v1/metrics/pools/{name}`: the pool's limits and its servers' totals. */
export function poolMetrics(cache: Cache, pool: MCPPool) {
  const { namespace, name } = pool.metadata;
  const servers = serversOfPool(cache, namespace!, name!).map((s) => serverSummaryIn(cache, s));
  return { ...summarizePool(pool), ...totals(servers) };
}

/** `/api/v1/metrics`: servers per phase, active servers, and every pool's metrics. */
export function overallMetrics(cache: Cache) {
  const servers = [...cache.servers.store.values()].map((s) => serverSummaryIn(cache, s));
  const pools = [...cache.pools.store.values()].map((p) => poolMetrics(cache, p))
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  return { ...totals(servers), totalPools: pools.length, pools };
}
