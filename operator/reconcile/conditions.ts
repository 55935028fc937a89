/** Condition bookkeeping: set a condition, keeping its transition time when unchanged. */

import type { Condition } from "../../lib/api/mod.ts";

/** A condition without its bookkeeping fields. */
export interface ConditionInput {
  type: string;
  status: "True" | "False" | "Unknown";
  reason: string;
  message: string;
}

/** Returns the conditions with `next` applied (a new array; the input is not changed). */
export function setConditions(
  current: Condition[] | undefined,
  next: ConditionInput[],
  now: string,
  generation: number | undefined,
): Condition[] {
  const byType = new Map((current ?? []).map((c) => [c.type, c]));
  for (const n of next) {
    const old = byType.get(n.type);
    const lastTransitionTime = old && old.status === n.status ? old.lastTransitionTime : now;
    byType.set(n.type, {
      ...n,
      lastTransitionTime,
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    });
  }
  return [...byType.values()].sort((a, b) => a.type.localeCompare(b.type));
}

/** Finds a condition by type. */
export function findCondition(
  conditions: Condition[] | undefined,
  type: string,
): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}
