/**
 * Writes the API server refused for a reason retrying cannot fix (400, 403, 422): they become a
 * condition, and are retried only with a capped exponential backoff or when the spec changes.
 */

import { CONDITIONS } from "../../lib/api/mod.ts";
import { cond } from "./outcomes.ts";
import type { Outcome } from "./plan_types.ts";
import { REASONS } from "./reasons.ts";

/** First retry delay after a rejection (ms); doubles per attempt. */
export const REJECTION_BASE_MS = 1_000;

/** Longest retry delay after a rejection (ms). */
export const REJECTION_MAX_MS = 300_000;

/** A write the API server refused for the server's current generation. */
export interface Rejection {
  /** The generation the refused write was planned from: a new spec retries at once. */
  generation: number | undefined;
  /** `Cannot create pod "x": <the API server's message>`. */
  message: string;
  /** Refused attempts so far (≥ 1). */
  attempts: number;
  /** Not before this time (ms) is the write tried again. */
  retryAt: number;
}

/** Whether an error is an API answer that retrying the same write cannot change. */
export { isTerminal, TERMINAL_CODES } from "../../lib/kube/errors.ts";

/** The rejection after one more refused attempt at `now` (ms): backoff 1 s, 2 s … 5 min. */
export function nextRejection(
  prev: Rejection | undefined,
  generation: number | undefined,
  message: string,
  now: number,
): Rejection {
  const attempts = prev && prev.generation === generation ? prev.attempts + 1 : 1;
  const delay = Math.min(REJECTION_BASE_MS * 2 ** (attempts - 1), REJECTION_MAX_MS);
  return { generation, message, attempts, retryAt: now + delay };
}

/**
 * Applies a rejection to a wanted server's outcome at `now` (ms): phase Degraded with
 * `Configured=False`/`Rejected` and the API's message. Before the retry time the outcome only
 * writes status (`hold`) and requeues at that time; after it, the planned writes are tried again.
 */
export function withRejection(out: Outcome, rej: Rejection, now: number, hasPod: boolean): Outcome {
  const conditions = [
    cond(CONDITIONS.configured, false, REASONS.rejected, rej.message),
    cond(CONDITIONS.degraded, true, REASONS.rejected, rej.message),
    cond(CONDITIONS.ready, false, REASONS.rejected, rej.message),
  ];
  if (now >= rej.retryAt) {
    return {
      ...out,
      phase: "Degraded",
      conditions: [...out.conditions, ...conditions],
      event: undefined,
    };
  }
  return {
    phase: "Degraded",
    conditions,
    pod: undefined,
    deletePods: [],
    hold: true,
    requeueAfter: rej.retryAt - now,
    clear: hasPod ? [] : ["podName"],
  };
}
