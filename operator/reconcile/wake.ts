/**
 * The wake record (`status.lastWake`): one per run that started from a stopped server, filled in
 * as the run goes request → admitted → Ready. Pure: the planner folds it into the status.
 *
 * @module
 */

import type { LastWake, Phase } from "../../lib/api/mod.ts";

/** Most names kept in `queuedBehind`. */
export const MAX_QUEUED_BEHIND = 10;

/** What one planning run knows about the wake. */
export interface WakeInput {
  /** The phase before this plan (undefined: never planned). */
  prevPhase?: Phase;
  /** The phase planned now. */
  phase: Phase;
  /** The request the run acts on (status.requestedAt), if any. */
  requestedAt?: string;
  /** Now, RFC 3339. */
  now: string;
  /** While queued: the servers holding the slots or ahead in the queue. */
  queuedBehind?: string[];
}

const STOPPED = new Set<Phase | undefined>([undefined, "Idle", "Stopping", "Failed"]);
const RUNNING = new Set<Phase>(["Requested", "Starting", "Ready", "Degraded"]);
const ADMITTED = new Set<Phase>(["Starting", "Ready", "Degraded"]);

const msBetween = (from: string, to: string) =>
  Math.max(0, Math.round(Date.parse(to) - Date.parse(from)));

/**
 * The next wake record: a new one when a stopped server starts running for a new request,
 * else the previous one with the admission and readiness of its run filled in once.
 */
export function nextWake(prev: LastWake | undefined, w: WakeInput): LastWake | undefined {
  if (!w.requestedAt || !RUNNING.has(w.phase)) return prev;
  const fresh = prev?.requestedAt !== w.requestedAt && STOPPED.has(w.prevPhase);
  if (!fresh && prev?.requestedAt !== w.requestedAt) return prev;
  const wake: LastWake = fresh ? { requestedAt: w.requestedAt } : structuredClone(prev!);
  if (w.phase === "Requested" && w.queuedBehind && !wake.admittedAt) {
    wake.queuedBehind = w.queuedBehind.slice(0, MAX_QUEUED_BEHIND);
  }
  if (ADMITTED.has(w.phase) && !wake.admittedAt) {
    wake.admittedAt = w.now;
    wake.queuedMs = msBetween(w.requestedAt, w.now);
  }
  if (w.phase === "Ready" && !wake.readyAt) {
    wake.readyAt = w.now;
    wake.durationMs = msBetween(w.requestedAt, w.now);
  }
  return wake;
}
