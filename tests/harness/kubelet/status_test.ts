import assert from "node:assert/strict";
import { computePodStatus, podPhase } from "./status.ts";
import type { ContainerState, ContainerStatus, Pod } from "./types.ts";

const T0 = "2026-01-01T00:00:00Z", T1 = "2026-01-01T00:00:05Z";

function cs(name: string, state: ContainerState, extra: Partial<ContainerStatus> = {}) {
  return {
    name,
    state,
    lastState: {},
    ready: false,
    started: false,
    restartCount: 0,
    image: "busybox",
    imageID: "",
    ...extra,
  };
}

const pod: Pod = {
  metadata: { name: "p", namespace: "ns", uid: "u" },
  spec: {
    restartPolicy: "Never",
    initContainers: [
      { name: "init", image: "busybox" },
      { name: "side", image: "busybox", restartPolicy: "Always" },
    ],
    containers: [{ name: "main", image: "busybox" }],
  },
};

const running = { running: { startedAt: T0 } };
const exited = (code: number) => ({
  terminated: { exitCode: code, reason: code ? "Error" : "Completed", finishedAt: T0 },
});

Deno.test("podPhase() goes Pending → Running → Succeeded/Failed with init and sidecars", () => {
  const base = { hostIP: "127.0.0.1", startTime: T0, podIP: "127.0.1.2" };
  const initRunning = { ...base, init: [cs("init", running), cs("side", {})], main: [] };
  assert.equal(podPhase(pod, initRunning), "Pending");
  const side = cs("side", running, { started: true, ready: true });
  const mainRunning = { ...base, init: [cs("init", exited(0)), side], main: [cs("main", running)] };
  assert.equal(podPhase(pod, mainRunning), "Running");
  assert.equal(podPhase(pod, { ...mainRunning, main: [cs("main", exited(0))] }), "Succeeded");
  assert.equal(podPhase(pod, { ...mainRunning, main: [cs("main", exited(2))] }), "Failed");
  const initFailed = { ...base, init: [cs("init", exited(1)), cs("side", {})], main: [] };
  assert.equal(podPhase(pod, initFailed), "Failed");
});

Deno.test("computePodStatus() sets conditions and keeps lastTransitionTime while unchanged", () => {
  const side = cs("side", running, { started: true, ready: true });
  const obs = {
    hostIP: "127.0.0.1",
    startTime: T0,
    podIP: "127.0.1.2",
    init: [cs("init", exited(0)), side],
    main: [cs("main", running, { ready: false, started: true })],
  };
  const first = computePodStatus(pod, obs, undefined, T0);
  const byType = (s: typeof first) => Object.fromEntries(s.conditions.map((c) => [c.type, c]));
  assert.equal(byType(first).Ready.status, "False");
  assert.equal(byType(first).Ready.reason, "ContainersNotReady");
  assert.equal(byType(first).Initialized.status, "True");
  assert.deepEqual(first.podIPs, [{ ip: "127.0.1.2" }]);
  const readyObs = { ...obs, main: [cs("main", running, { ready: true, started: true })] };
  const second = computePodStatus(pod, readyObs, first, T1);
  assert.equal(byType(second).Ready.status, "True");
  assert.equal(byType(second).Ready.lastTransitionTime, T1);
  assert.equal(byType(second).Initialized.lastTransitionTime, T0);
  assert.equal(second.initContainerStatuses?.length, 2);
});
