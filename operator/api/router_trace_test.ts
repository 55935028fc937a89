import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import { stageSpan, wakeStage } from "./router_trace.ts";

function server(status: MCPServer["status"], pool = "small"): MCPServer {
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "s", namespace: "team" },
    spec: { image: "x", pool },
    status,
  };
}

const T = "2026-12-02T00:00:00Z";
const QUEUED = 'Waiting for a free slot in pool "small" (maxActive 1, 2 ahead)';

Deno.test("wakeStage() reads a queue wait, a starting pod, or a request not yet seen", () => {
  const queued = server({
    phase: "Requested",
    conditions: [{
      type: "Queued",
      status: "True",
      reason: "Queued",
      message: QUEUED,
      lastTransitionTime: T,
    }],
  });
  assert.deepEqual(wakeStage(queued), {
    stage: "queued",
    pool: "small",
    position: 2,
    message: QUEUED,
  });
  assert.deepEqual(wakeStage(server({ phase: "Starting", podName: "mcp-s-1" })), {
    stage: "starting",
    pod: "mcp-s-1",
  });
  assert.deepEqual(wakeStage(server({ phase: "Idle" })), { stage: "requested" });
  const left = server({
    phase: "Requested",
    conditions: [{
      type: "Queued",
      status: "False",
      reason: "Admitted",
      message: "",
      lastTransitionTime: T,
    }],
  });
  assert.deepEqual(wakeStage(left), { stage: "requested" }, "a False Queued is no wait");
});

Deno.test("stageSpan() names the wait and carries its reason", () => {
  assert.deepEqual(stageSpan({ stage: "queued", pool: "small", position: 0, message: "m" }), {
    name: "nmcp.wake.queue",
    attributes: {
      "nmcp.wake.reason": "queued",
      "nmcp.pool.name": "small",
      "nmcp.queue.position": 0,
      "nmcp.queue.message": "m",
    },
  });
  assert.deepEqual(stageSpan({ stage: "starting", pod: "p" }), {
    name: "nmcp.wake.pod_start",
    attributes: { "nmcp.wake.reason": "pod starting", "k8s.pod.name": "p" },
  });
  assert.equal(stageSpan({ stage: "requested" }), null);
});
