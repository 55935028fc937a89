import assert from "node:assert/strict";
import type { MCPPool } from "../../lib/api/mod.ts";
import { planPool, poolDecision, type PoolMember } from "./pool.ts";

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
  ]);
  assert.deepEqual(plan.status, { active: 0, idle: 0, pending: 1, observedGeneration: 3 });
  assert.deepEqual(plan.wake, ["a"]);
});
