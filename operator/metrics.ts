/** The operator's Prometheus metrics, in its own prom-client Registry. */

import { Counter, Gauge, Histogram, Registry } from "prom-client";

/** The operator's metrics. */
export interface OperatorMetrics {
  registry: Registry;
  reconciles: Counter<"kind">;
  reconcileErrors: Counter<"kind">;
  reconcileDuration: Histogram<"kind">;
  queueDepth: Gauge;
  serversByPhase: Gauge<"phase">;
  wakeLatency: Histogram;
  isLeader: Gauge;
  /** Requests answered on the operator's port, by route and status code. */
  httpRequests: Counter<"route" | "code">;
  /** Authentication/authorization outcomes, by decision and caller source. */
  authDecisions: Counter<"decision" | "source">;
  /** TokenReviews and SubjectAccessReviews, by cache hit, API call or error. */
  authReviews: Counter<"review" | "result">;
  /** Router requests per server, by status class (capped; see {@linkcode ServerCounter}). */
  routed: ServerCounter;
  /** Request → Ready of each wake, per pool (observed by the controller from status.lastWake). */
  wakeDuration: Histogram<"namespace" | "pool">;
  /** Request → admitted (pool queueing) of each wake, per pool. */
  queueWait: Histogram<"namespace" | "pool">;
  /** Servers stopped by the idle timeout or the pool's maxIdle, per pool and reason. */
  evictions: Counter<"namespace" | "pool" | "reason">;
}

/** Most servers with their own per-server counter series; the rest count as server `_other`. */
export const MAX_SERVER_SERIES = 2000;

type ServerLabel = "namespace" | "server" | "pool" | "code";

/**
 * A counter with per-server series, bounded: the first `max` servers seen get their own
 * series, later ones share `server="_other"` (no Kubernetes name starts with `_`); `forget()`
 * drops a deleted server's series and frees its slot.
 */
export class ServerCounter {
  #series = new Map<string, Map<string, Record<ServerLabel, string>>>();

  constructor(readonly counter: Counter<ServerLabel>, readonly max = MAX_SERVER_SERIES) {}

  /** Counts one event of server `namespace/name` with status `code` (its class is kept). */
  inc(t: { namespace: string; name: string; pool: string }, code: number): void {
    const key = `${t.namespace}/${t.name}`;
    const own = this.#series.has(key) || this.#series.size < this.max;
    const server = own ? t.name : "_other";
    const labels = {
      namespace: t.namespace,
      server,
      pool: t.pool,
      code: `${Math.trunc(code / 100)}xx`,
    };
    if (own) {
      const sets = this.#series.get(key) ?? new Map();
      sets.set(JSON.stringify(labels), labels);
      this.#series.set(key, sets);
    }
    this.counter.inc(labels);
  }

  /** Removes the series of a deleted server. */
  forget(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    for (const labels of this.#series.get(key)?.values() ?? []) this.counter.remove(labels);
    this.#series.delete(key);
  }
}

const WAKE_BUCKETS = [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300];

/** Creates the metrics; `phases()` is read at scrape time for servers by phase. */
export function createMetrics(
  phases: () => Record<string, number>,
  depth: () => number,
): OperatorMetrics {
  const registry = new Registry();
  const registers = [registry];
  const serversByPhase = new Gauge({
    name: "nmcp_servers",
    help: "MCPServers by phase",
    labelNames: ["phase"] as const,
    registers,
    collect() {
      this.reset();
      for (const [phase, n] of Object.entries(phases())) this.set({ phase }, n);
    },
  });
  return {
    registry,
    reconciles: new Counter({
      name: "nmcp_reconcile_total",
      help: "Reconciles run",
      labelNames: ["kind"] as const,
      registers,
    }),
    reconcileErrors: new Counter({
      name: "nmcp_reconcile_errors_total",
      help: "Reconciles that failed",
      labelNames: ["kind"] as const,
      registers,
    }),
    reconcileDuration: new Histogram({
      name: "nmcp_reconcile_duration_seconds",
      help: "Reconcile duration",
      labelNames: ["kind"] as const,
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
    queueDepth: new Gauge({
      name: "nmcp_workqueue_depth",
      help: "Keys waiting in the work queue",
      registers,
      collect() {
        this.set(depth());
      },
    }),
    serversByPhase,
    wakeLatency: new Histogram({
      name: "nmcp_wake_latency_seconds",
      help: "Time from a router request to the server being Ready",
      buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30, 60, 120],
      registers,
    }),
    isLeader: new Gauge({ name: "nmcp_leader", help: "1 when this replica leads", registers }),
    ...authMetrics(registers),
    ...fleetMetrics(registers),
  };
}

function fleetMetrics(registers: Registry[]) {
  const perPool = ["namespace", "pool"] as const;
  return {
    routed: new ServerCounter(
      new Counter({
        name: "nmcp_server_routed_requests_total",
        help: "Router requests per MCPServer by status class (2xx, 4xx, 5xx)",
        labelNames: ["namespace", "server", "pool", "code"] as const,
        registers,
      }),
    ),
    wakeDuration: new Histogram({
      name: "nmcp_server_wake_duration_seconds",
      help: "Wakes from the request to Ready, per pool",
      labelNames: perPool,
      buckets: WAKE_BUCKETS,
      registers,
    }),
    queueWait: new Histogram({
      name: "nmcp_server_queue_wait_seconds",
      help: "Wakes from the request to a pool slot (queueing), per pool",
      labelNames: perPool,
      buckets: [0.1, ...WAKE_BUCKETS],
      registers,
    }),
    evictions: new Counter({
      name: "nmcp_server_evictions_total",
      help: "Servers stopped by the idle timeout (IdleTimeout) or the pool's maxIdle (PoolMaxIdle)",
      labelNames: ["namespace", "pool", "reason"] as const,
      registers,
    }),
  };
}

function authMetrics(registers: Registry[]) {
  return {
    httpRequests: new Counter({
      name: "nmcp_http_requests_total",
      help: "Requests answered on the operator's port",
      labelNames: ["route", "code"] as const,
      registers,
    }),
    authDecisions: new Counter({
      name: "nmcp_auth_decisions_total",
      help: "Requests allowed, unauthenticated or forbidden, by caller source",
      labelNames: ["decision", "source"] as const,
      registers,
    }),
    authReviews: new Counter({
      name: "nmcp_auth_reviews_total",
      help: "TokenReviews (review=token) and SubjectAccessReviews (review=access)",
      labelNames: ["review", "result"] as const,
      registers,
    }),
  };
}
