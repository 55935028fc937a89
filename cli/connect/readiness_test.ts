import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import { progressLine, readinessOf } from "./readiness.ts";

const base: MCPServer = {
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPServer",
  metadata: { name: "x" },
  spec: { image: "i" },
};
const cond = (type: string, status: "True" | "False", reason: string, message: string) => ({
  type,
  status,
  reason,
  message,
  lastTransitionTime: "2026-01-01T00:00:00Z",
});

Deno.test("readinessOf() is ready only with phase Ready and a pod", () => {
  assert.deepEqual(readinessOf({ ...base, status: { phase: "Ready", podName: "x-1" } }), {
    state: "ready",
    podName: "x-1",
  });
  assert.equal(readinessOf({ ...base, status: { phase: "Ready" } }).state, "waiting");
  assert.deepEqual(readinessOf(base), { state: "waiting", phase: "Idle", reason: undefined });
});

Deno.test("readinessOf() reports Failed with the Degraded condition, queueing as a reason", () => {
  const failed = readinessOf({
    ...base,
    status: {
      phase: "Failed",
      conditions: [cond("Degraded", "True", "ImagePullBackOff", "no such image")],
    },
  });
  assert.deepEqual(failed, { state: "failed", message: "ImagePullBackOff: no such image" });
  const queued = readinessOf({
    ...base,
    status: {
      phase: "Requested",
      conditions: [cond("Queued", "True", "PoolFull", "pool default is full")],
    },
  });
  assert.equal(
    progressLine("x", queued, 3500),
    "mcpserver/x: Requested (queued: pool default is full), waiting 3s\n",
  );
});
