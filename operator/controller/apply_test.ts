import assert from "node:assert/strict";
import { statusPatch } from "./apply.ts";

Deno.test("statusPatch() nulls removed keys, keeps equal ones out, and sees no-ops", () => {
  const old = { phase: "Ready", podName: "p", conditions: [{ type: "Ready", status: "True" }] };
  const next = { phase: "Idle", conditions: [{ status: "True", type: "Ready" }] };
  assert.deepEqual(statusPatch(old, next), { phase: "Idle", podName: null });
  assert.equal(statusPatch(next, structuredClone(next)), undefined);
  assert.deepEqual(statusPatch(undefined, { phase: "Idle" }), { phase: "Idle" });
});
