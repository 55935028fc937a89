import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import { loadTracing } from "../../lib/trace/mod.ts";
import { startOtlpReceiver } from "../../tests/fixtures/otlp_receiver.ts";
import { stageSpan, wakeStage, WakeTrace } from "./router_trace.ts";

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

Deno.test("WakeTrace: a wake span with one child per stage (queued, then pod starting)", async () => {
  const receiver = startOtlpReceiver();
  try {
    const tracing = (await loadTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, "op"))!;
    const store = new Map<string, MCPServer>([["team/s", server({ phase: "Idle" })]]);
    const listeners = new Set<() => void>();
    const watch = {
      servers: { store },
      subscribe: (fn: () => void) => (listeners.add(fn), () => listeners.delete(fn)),
    };
    const change = (status: MCPServer["status"]) => {
      store.set("team/s", server(status));
      for (const fn of listeners) fn();
    };
    const root = tracing.start("POST /servers/{namespace}/{name}/mcp", { kind: "server" });
    const wake = new WakeTrace(tracing, root, watch, "team/s");
    const queued = (n: number) => ({
      phase: "Requested" as const,
      conditions: [{
        type: "Queued",
        status: "True" as const,
        reason: "Queued",
        message: QUEUED.replace("2 ahead", `${n} ahead`),
        lastTransitionTime: T,
      }],
    });
    change(queued(1));
    change(queued(0)); // same stage: the span keeps its first position
    change({ phase: "Starting", podName: "mcp-s-1" });
    wake.end({ url: "http://10.0.0.1:8080" });
    change({ phase: "Ready", podName: "mcp-s-1" }); // after end: unsubscribed
    root.end();
    await tracing.shutdown();
    const by = (name: string) => receiver.spans.filter((s) => s.name === name);
    assert.equal(by("nmcp.wake").length, 1);
    const [w] = by("nmcp.wake"), [q] = by("nmcp.wake.queue"), [p] = by("nmcp.wake.pod_start");
    assert.equal(by("nmcp.wake.queue").length + by("nmcp.wake.pod_start").length, 2);
    assert.equal(w.parentSpanId, by("POST /servers/{namespace}/{name}/mcp")[0].spanId);
    assert.deepEqual([q.parentSpanId, p.parentSpanId], [w.spanId, w.spanId]);
    assert.equal(q.attributes["nmcp.queue.position"], 1);
    assert.equal(q.attributes["nmcp.pool.name"], "small");
    assert.equal(p.attributes["k8s.pod.name"], "mcp-s-1");
    assert.equal(w.attributes["nmcp.wake.reason"], "pod starting");
    assert.equal(w.status.code ?? 0, 0, "a wake that reached Ready is no error");
    assert.equal(listeners.size, 0);
  } finally {
    await receiver.close();
  }
});

Deno.test("WakeTrace.end() of a wake that timed out marks its spans failed", async () => {
  const receiver = startOtlpReceiver();
  try {
    const tracing = (await loadTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, "op"))!;
    const store = new Map([["team/s", server({ phase: "Starting", podName: "p" })]]);
    const watch = { servers: { store }, subscribe: () => () => {} };
    const root = tracing.start("r", { kind: "server" });
    new WakeTrace(tracing, root, watch, "team/s").end(undefined);
    root.end();
    await tracing.shutdown();
    for (const name of ["nmcp.wake", "nmcp.wake.pod_start"]) {
      const s = receiver.spans.find((s) => s.name === name)!;
      assert.deepEqual(s.status, { code: 2, message: "not ready in time" });
    }
  } finally {
    await receiver.close();
  }
});
