import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import {
  podDetail,
  podUsable,
  progressLine,
  queueDetail,
  queuePlace,
  readinessOf,
  shouldRequest,
} from "./readiness.ts";

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

const member = (
  name: string,
  status: MCPServer["status"],
  requested: string,
  pool?: string,
): MCPServer => ({
  ...base,
  metadata: { name, annotations: { "nmcp.nwrx.io/requested-at": requested } },
  spec: { image: "i", ...(pool ? { pool } : {}) },
  status,
});

Deno.test("queuePlace() counts queued members requested earlier and names the slot holders", () => {
  const queuedCond = [cond("Queued", "True", "Queued", "full")];
  const me = member("c", { phase: "Requested", conditions: queuedCond }, "2026-01-01T00:00:03Z");
  const servers = [
    member("a", { phase: "Ready", podName: "a-1" }, "2026-01-01T00:00:00Z"),
    member("b", { phase: "Requested", conditions: queuedCond }, "2026-01-01T00:00:01Z"),
    member("d", { phase: "Requested", conditions: queuedCond }, "2026-01-01T00:00:09Z"),
    member("e", { phase: "Ready", podName: "e-1" }, "2026-01-01T00:00:00Z", "other"),
    me,
  ];
  const q = queuePlace(me, servers);
  assert.deepEqual(q, { pool: "default", place: 2, ahead: ["b"], running: ["a"] });
  assert.equal(queueDetail(q), 'queued in pool "default": place 2, behind b; slots held by a');
  assert.equal(
    progressLine("c", readinessOf(me), 2000, queueDetail(q)),
    'mcpserver/c: Requested (queued in pool "default": place 2, behind b; slots held by a), ' +
      "waiting 2s\n",
  );
});

Deno.test("podDetail() and podUsable() read the pod's phase, waiting reason and readiness", () => {
  const waiting = {
    metadata: { name: "p" },
    status: {
      phase: "Pending",
      containerStatuses: [{ ready: false, state: { waiting: { reason: "ContainerCreating" } } }],
    },
  };
  assert.equal(podDetail(waiting), "pod p Pending (ContainerCreating)");
  const running = {
    metadata: { name: "p" },
    status: {
      phase: "Running",
      conditions: [{ type: "Ready", status: "True" }],
      containerStatuses: [{ ready: true }, { ready: false }],
    },
  };
  assert.equal(podDetail(running), "pod p Running, 1/2 ready");
  assert.equal(podUsable(running), true);
  assert.equal(podUsable(waiting), false);
  const leaving = {
    ...running,
    metadata: { name: "p", deletionTimestamp: "2026-01-01T00:00:00Z" },
  };
  assert.equal(podUsable(leaving), false);
  assert.equal(podDetail(leaving), "pod p terminating");
});

Deno.test("shouldRequest() asks unless a run is already on its way", () => {
  const at = (phase?: string) =>
    shouldRequest({ ...base, status: phase ? { phase } as never : {} });
  assert.deepEqual(
    ["Idle", "Requested", "Starting", "Ready", "Stopping", "Degraded", "Failed", undefined].map(at),
    [true, false, false, true, true, false, true, true],
  );
});
