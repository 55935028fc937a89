import assert from "node:assert/strict";
import { Counter, Registry } from "prom-client";
import { ServerCounter } from "./metrics.ts";
import { observePlan } from "./plan_metrics.ts";

const R = "2026-01-01T00:00:00Z";

Deno.test("observePlan() observes a wake once when it gets its slot and once when Ready", () => {
  const queued = { phase: "Requested" as const, lastWake: { requestedAt: R } };
  const admitted = {
    phase: "Starting" as const,
    lastWake: { requestedAt: R, admittedAt: R, queuedMs: 1500 },
  };
  const ready = {
    phase: "Ready" as const,
    lastWake: { ...admitted.lastWake, readyAt: R, durationMs: 4000 },
  };
  assert.deepEqual(observePlan({ phase: "Idle" }, queued, []), { evictions: [] });
  assert.deepEqual(observePlan(queued, admitted, []), { evictions: [], queueSeconds: 1.5 });
  assert.deepEqual(observePlan(admitted, ready, []), { evictions: [], wakeSeconds: 4 });
  assert.deepEqual(
    observePlan(ready, ready, []),
    { evictions: [] },
    "nothing new: nothing observed",
  );
});

Deno.test("observePlan() counts idle-timeout and maxIdle stops, not explicit stops", () => {
  const ev = (reason: string) => ({ type: "Normal" as const, reason, message: "" });
  const o = observePlan({}, { phase: "Stopping" }, [
    ev("IdleTimeout"),
    ev("PoolMaxIdle"),
    ev("StopRequested"),
  ]);
  assert.deepEqual(o.evictions, ["IdleTimeout", "PoolMaxIdle"]);
});

Deno.test("ServerCounter keeps per-server series for max servers, the rest as _other; forget() frees", async () => {
  const registry = new Registry();
  const counter = new Counter({
    name: "t_total",
    help: "t",
    labelNames: ["namespace", "server", "pool", "code"] as const,
    registers: [registry],
  });
  const c = new ServerCounter(counter, 1);
  c.inc({ namespace: "ns", name: "a", pool: "p" }, 200);
  c.inc({ namespace: "ns", name: "a", pool: "p" }, 204);
  c.inc({ namespace: "ns", name: "b", pool: "p" }, 502);
  let text = await registry.metrics();
  assert.match(text, /^t_total\{namespace="ns",server="a",pool="p",code="2xx"\} 2$/m);
  assert.match(text, /^t_total\{namespace="ns",server="_other",pool="p",code="5xx"\} 1$/m);
  c.forget("ns", "a");
  c.inc({ namespace: "ns", name: "b", pool: "p" }, 404);
  text = await registry.metrics();
  assert.doesNotMatch(text, /server="a"/);
  assert.match(text, /^t_total\{namespace="ns",server="b",pool="p",code="4xx"\} 1$/m);
});
