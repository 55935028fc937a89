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
}

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
