/** The planner's standard outcomes: failed, not running, stopping, queued. */

import { CONDITIONS, type Phase } from "../../lib/api/mod.ts";
import type { PodOptions } from "../build/pod.ts";
import type { Entrypoint, Pod } from "../build/types.ts";
import type { ConditionInput } from "./conditions.ts";
import type { Ctx, Outcome } from "./plan_types.ts";
import { type PlannedEvent, REASONS } from "./reasons.ts";

/** A condition input from a boolean. */
export const cond = (
  type: string,
  ok: boolean,
  reason: string,
  message: string,
): ConditionInput => ({
  type,
  status: ok ? "True" : "False",
  reason,
  message,
});

/** Builder options for this server. */
export function podOptions(ctx: Ctx, entrypoint?: Entrypoint): PodOptions {
  const s = ctx.settings;
  return {
    gatewayImage: s.gatewayImage,
    launcherImage: s.launcherImage,
    serviceAccountName: s.serviceAccountName,
    gatewayLogLevel: s.gatewayLogLevel,
    gatewayEnv: s.gatewayEnv,
    pool: ctx.observed.pool,
    entrypoint,
  };
}

/** Failed: no pod; `stop` consumes the request. */
export function failed(ctx: Ctx, reason: string, message: string, stop: boolean): Outcome {
  return {
    phase: "Failed",
    conditions: [
      cond(CONDITIONS.configured, false, reason, message),
      cond(CONDITIONS.ready, false, reason, message),
      cond(CONDITIONS.active, false, reason, message),
      cond(CONDITIONS.queued, false, reason, ""),
      cond(CONDITIONS.degraded, true, reason, message),
    ],
    event: { type: "Warning", reason, message },
    pod: null,
    deletePods: ctx.livePods.map((p) => p.metadata.name!),
    status: stop ? { stoppedAt: ctx.iso } : {},
  };
}

/** Not wanted: Stopping while pods exist, then Idle (Failed stays Failed). */
export function notRunning(ctx: Ctx, reason: string, message: string): Outcome {
  const { server, livePods } = ctx;
  const pods = ctx.observed.pods.length > 0;
  const prev = server.status?.phase;
  if (prev === "Failed" && server.status?.observedGeneration === server.metadata.generation) {
    return { phase: "Failed", conditions: [], pod: null, deletePods: names(livePods), keep: true };
  }
  const wasUp = prev === "Starting" || prev === "Ready" || prev === "Degraded";
  const phase: Phase = pods ? "Stopping" : "Idle";
  const event: PlannedEvent | undefined = phase === "Stopping" && prev !== "Stopping"
    ? { type: "Normal", reason: REASONS.stopping, message }
    : phase === "Idle" && prev === "Stopping"
    ? { type: "Normal", reason: REASONS.stopped, message: "Pod deleted; server is idle" }
    : undefined;
  return {
    phase,
    conditions: [
      cond(CONDITIONS.ready, false, reason, message),
      cond(CONDITIONS.active, false, reason, message),
      cond(CONDITIONS.queued, false, reason, ""),
      cond(CONDITIONS.degraded, false, REASONS.healthy, ""),
    ],
    event,
    pod: null,
    deletePods: names(livePods),
    status: wasUp ? { stoppedAt: ctx.iso } : {},
  };
}

/** Names of pods. */
export function names(pods: Pod[]): string[] {
  return pods.map((p) => p.metadata.name!);
}

/** Stop now: delete pods, record stoppedAt. */
export function stopNow(ctx: Ctx, reason: string, message: string): Outcome {
  return {
    phase: "Stopping",
    conditions: [
      cond(CONDITIONS.ready, false, reason, message),
      cond(CONDITIONS.active, false, reason, message),
    ],
    event: { type: "Normal", reason, message },
    pod: null,
    deletePods: names(ctx.livePods),
    status: { stoppedAt: ctx.iso },
  };
}

/** Waiting for a pool slot, behind `behind` (slot holders, then those ahead). */
export function queued(ctx: Ctx, position: number, behind: string[]): Outcome {
  const pool = ctx.observed.pool!;
  const msg = `Waiting for a free slot in pool "${pool.metadata.name}" ` +
    `(maxActive ${pool.spec.maxActive}, ${position} ahead)`;
  return {
    phase: "Requested",
    conditions: [
      cond(CONDITIONS.queued, true, REASONS.queued, msg),
      cond(CONDITIONS.active, false, REASONS.queued, msg),
      cond(CONDITIONS.ready, false, REASONS.queued, msg),
    ],
    event: { type: "Normal", reason: REASONS.queued, message: msg },
    queuedBehind: behind,
  };
}
