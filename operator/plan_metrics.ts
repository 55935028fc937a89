/**
 * What a written server plan adds to the operator's counters and histograms: a wake that just
 * became Ready (request → Ready), a wake that just got its pool slot (queue wait), and an
 * eviction (the idle timeout or the pool's maxIdle stopped the server). Observed once, by the
 * controller, after the plan's status was written.
 *
 * @module
 */

import type { MCPServer, MCPServerStatus } from "../lib/api/mod.ts";
import type { OperatorMetrics } from "./metrics.ts";
import { type PlannedEvent, REASONS } from "./reconcile/reasons.ts";

/** The eviction reasons counted in `nmcp_server_evictions_total`. */
export const EVICTION_REASONS: ReadonlySet<string> = new Set([
  REASONS.idleTimeout,
  REASONS.poolMaxIdle,
]);

/** What one written plan observed. */
export interface PlanObservation {
  wakeSeconds?: number;
  queueSeconds?: number;
  evictions: string[];
}

/** The observations of a status change `before` → `after` with the plan's events (pure). */
export function observePlan(
  before: MCPServerStatus | undefined,
  after: MCPServerStatus,
  events: PlannedEvent[],
): PlanObservation {
  const was = before?.lastWake, now = after.lastWake;
  const same = was?.requestedAt === now?.requestedAt;
  const out: PlanObservation = {
    evictions: events.filter((e) => EVICTION_REASONS.has(e.reason)).map((e) => e.reason),
  };
  if (now?.readyAt && !(same && was?.readyAt)) out.wakeSeconds = (now.durationMs ?? 0) / 1000;
  if (now?.admittedAt && !(same && was?.admittedAt)) out.queueSeconds = (now.queuedMs ?? 0) / 1000;
  return out;
}

/** Records a written plan's observations in the metrics. */
export function recordPlan(
  metrics: OperatorMetrics,
  server: MCPServer,
  plan: { status: MCPServerStatus; events: PlannedEvent[] },
): void {
  const o = observePlan(server.status, plan.status, plan.events);
  const labels = {
    namespace: server.metadata.namespace ?? "",
    pool: server.spec.pool ?? "default",
  };
  if (o.wakeSeconds !== undefined) metrics.wakeDuration.observe(labels, o.wakeSeconds);
  if (o.queueSeconds !== undefined) metrics.queueWait.observe(labels, o.queueSeconds);
  for (const reason of o.evictions) metrics.evictions.inc({ ...labels, reason });
}
