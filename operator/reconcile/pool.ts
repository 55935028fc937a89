/** Pool admission: who may run (maxActive, first come first served) and who must stop (maxIdle). */

import type { MCPPool, MCPPoolStatus } from "../../lib/api/mod.ts";

/** What the pool planner needs to know about one server of the pool. */
export interface PoolMember {
  name: string;
  /** When its current request was made (ms), or -Infinity. */
  requestedAt: number;
  /** Wanted running (see isWanted). */
  wanted: boolean;
  /** Has a pod (starting, ready or terminating): it holds a slot. */
  hasPod: boolean;
  /** Ready with no live connection and no request since this time (ms); absent when not idle. */
  idleSince?: number;
  /** Quiet but not idle yet: counts as idle from this time (ms), unless used before. */
  idleAt?: number;
  /** Cannot run (Failed): never admitted, never counted as pending. */
  blocked?: boolean;
}

/** The pool's verdict for all of its members. */
export interface PoolDecision {
  /** Waiting members that may start now. */
  admitted: Set<string>;
  /** Waiting members that must keep waiting, in service order. */
  queued: string[];
  /** Idle running members to stop because of maxIdle, longest idle first. */
  evict: Set<string>;
  /** Counts for the pool status. */
  counts: { active: number; idle: number; pending: number };
}

const byRequest = (a: PoolMember, b: PoolMember) =>
  a.requestedAt - b.requestedAt || a.name.localeCompare(b.name);

/** Decides admission and eviction for a pool (a missing pool means no limits). */
export function poolDecision(
  pool: MCPPool | null | undefined,
  members: PoolMember[],
): PoolDecision {
  const active = members.filter((m) => m.hasPod).length;
  const waiting = members.filter((m) => m.wanted && !m.hasPod && !m.blocked).sort(byRequest);
  const max = pool?.spec.maxActive;
  const free = max === undefined ? waiting.length : Math.max(0, max - active);
  const admitted = new Set(waiting.slice(0, free).map((m) => m.name));
  const queued = waiting.slice(free).map((m) => m.name);
  const idle = members.filter((m) => m.hasPod && m.idleSince !== undefined)
    .sort((a, b) => a.idleSince! - b.idleSince! || a.name.localeCompare(b.name));
  const maxIdle = pool?.spec.maxIdle;
  const over = maxIdle === undefined ? 0 : Math.max(0, idle.length - maxIdle);
  const evict = new Set(idle.slice(0, over).map((m) => m.name));
  return {
    admitted,
    queued,
    evict,
    counts: { active, idle: idle.length, pending: queued.length },
  };
}

/** The planned state of an MCPPool. */
export interface PoolPlan {
  status: MCPPoolStatus;
  /** Members whose reconcile the pool's state may change (queued and evicted). */
  wake: string[];
  /** Plan again after this many ms: when the next quiet member becomes idle (maxIdle only). */
  requeueAfter?: number;
}

/** The earliest of some delays (ms), or undefined when none is given. */
export function earliest(...delays: (number | undefined)[]): number | undefined {
  const set = delays.filter((d): d is number => d !== undefined);
  return set.length > 0 ? Math.max(0, Math.min(...set)) : undefined;
}

/** Plans an MCPPool at time `now` (ms): its status counts, whom to reconcile, when to replan. */
export function planPool(pool: MCPPool, members: PoolMember[], now: number): PoolPlan {
  const d = poolDecision(pool, members);
  const status: MCPPoolStatus = { ...d.counts, observedGeneration: pool.metadata.generation };
  if (pool.status?.conditions) status.conditions = pool.status.conditions;
  const next = pool.spec.maxIdle === undefined
    ? undefined
    : earliest(...members.map((m) => m.idleAt === undefined ? undefined : m.idleAt - now));
  return { status, wake: [...d.admitted, ...d.evict], requeueAfter: next };
}
