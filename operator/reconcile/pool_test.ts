import assert from "node:assert/strict";
import type { MCPPool } from "../../lib/api/mod.ts";
import type { MCPServer } from "../../lib/api/mod.ts";
import type { Pod } from "../build/types.ts";
import { IDLE_GRACE_MS, memberOf } from "./member.ts";
import { earliest, planPool, poolDecision, type PoolMember } from "./pool.ts";

const pool = (spec: MCPPool["spec"]): MCPPool => ({
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPPool",
  metadata: { name: "p", generation: 3 },
  spec,
});
const m = (name: string, o: Partial<PoolMember>): PoolMember => ({
  name,
  requestedAt: 0,
  wanted: false,
  hasPod: false,
  ...o,
});

Deno.test("poolDecision() admits first come first served up to maxActive", () => {
  const members = [
    m("late", { wanted: true, requestedAt: 30 }),
    m("early", { wanted: true, requestedAt: 10 }),
    m("mid", { wanted: true, requestedAt: 20 }),
    m("running", { wanted: true, hasPod: true, requestedAt: 1 }),
  ];
  const d = poolDecision(pool({ maxActive: 3 }), members);
  assert.deepEqual([...d.admitted], ["early", "mid"]);
  assert.deepEqual(d.queued, ["late"]);
  assert.deepEqual(d.counts, { active: 1, idle: 0, pending: 1 });
});

Deno.test("poolDecision() without a pool admits everyone", () => {
  const d = poolDecision(null, [m("a", { wanted: true }), m("b", { wanted: true })]);
  assert.equal(d.admitted.size, 2);
});

Deno.test("poolDecision() stops the longest idle beyond maxIdle and skips failed ones", () => {
  const members = [
    m("a", { hasPod: true, idleSince: 50 }),
    m("b", { hasPod: true, idleSince: 10 }),
    m("c", { hasPod: true, idleSince: 30 }),
    m("d", { hasPod: true }),
    m("f", { wanted: true, blocked: true }),
  ];
  const d = poolDecision(pool({ maxIdle: 1 }), members);
  assert.deepEqual([...d.evict], ["b", "c"]);
  assert.equal(d.admitted.size, 0);
  assert.equal(d.counts.idle, 3);
});

Deno.test("planPool() writes counts and wakes admitted members", () => {
  const plan = planPool(pool({ maxActive: 1 }), [
    m("a", { wanted: true, requestedAt: 1 }),
    m("b", { wanted: true, requestedAt: 2 }),
  ], 0);
  assert.deepEqual(plan.status, { active: 0, idle: 0, pending: 1, observedGeneration: 3 });
  assert.deepEqual(plan.wake, ["a"]);
  assert.equal(plan.requeueAfter, undefined, "no maxIdle, no timed decision");
});

Deno.test("earliest() picks the smallest delay, never below 0, undefined for none", () => {
  assert.equal(earliest(undefined, 5, 3, undefined), 3);
  assert.equal(earliest(-20, 4), 0);
  assert.equal(earliest(), undefined);
  assert.equal(earliest(undefined), undefined);
});

const START = Date.parse("2026-01-01T00:00:00Z");
const iso = (ms: number) => new Date(START + ms).toISOString();

/** A Ready pool member with a pod, last used `lastMs` after START. */
function readyServer(name: string, lastMs: number): MCPServer {
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name, namespace: "ns", annotations: { "nmcp.nwrx.io/requested-at": iso(0) } },
    spec: { image: "node:22", command: ["srv"] },
    status: { phase: "Ready", requestedAt: iso(0), startedAt: iso(lastMs) },
  };
}

Deno.test("planPool() with maxIdle replans exactly when the idle grace of a member ends", () => {
  const pods = [{ metadata: { name: "x" } } as Pod];
  const ctx = { allowlist: [] };
  const servers = [readyServer("a", 1_000), readyServer("b", 4_000)];
  const at = (now: number) =>
    planPool(
      pool({ maxIdle: 0 }),
      servers.map((s) => memberOf(s, pods, undefined, { ...ctx, now: START + now })),
      START + now,
    );
  // Fake clock: 10 s after START both are quiet, none idle yet; a is idle at 1 s + grace.
  const early = at(10_000);
  assert.equal(early.requeueAfter, 1_000 + IDLE_GRACE_MS - 10_000);
  assert.deepEqual(early.wake, []);
  // At that moment a is evicted (woken), and the pool replans when b's grace ends.
  const due = at(1_000 + IDLE_GRACE_MS);
  assert.deepEqual(due.wake, ["a"]);
  assert.equal(due.requeueAfter, 3_000);
  assert.deepEqual(at(4_000 + IDLE_GRACE_MS).wake, ["a", "b"]);
  assert.equal(at(4_000 + IDLE_GRACE_MS).requeueAfter, undefined, "nothing left to wait for");
  // A live connection keeps a member out of the count and out of the timer.
  const busy = { ...servers[0], status: { ...servers[0].status, currentConnections: 1 } };
  const m = memberOf(busy as MCPServer, pods, undefined, { ...ctx, now: START + 60_000 });
  assert.equal(m.idleAt, undefined);
  assert.equal(m.idleSince, undefined);
});
