import assert from "node:assert/strict";
import type { MCPPool, MCPServer } from "../../lib/api/mod.ts";
import type { Pod } from "../build/types.ts";
import { buildPod } from "../build/pod.ts";
import { type ObservedServer, planServer, type ServerSettings } from "./server.ts";
import type { PoolMember } from "./pool.ts";

const NOW = new Date("2026-01-01T00:10:00Z");
const T = (s: number) => new Date(NOW.getTime() + s * 1000).toISOString();
const settings: ServerSettings = { gatewayImage: "gw", readyTimeout: 120 };

function server(o: {
  req?: number;
  stop?: number;
  status?: MCPServer["status"];
  spec?: Partial<MCPServer["spec"]>;
  name?: string;
} = {}): MCPServer {
  const annotations: Record<string, string> = {};
  if (o.req !== undefined) annotations["nmcp.nwrx.io/requested-at"] = T(o.req);
  if (o.stop !== undefined) annotations["nmcp.nwrx.io/stop-requested-at"] = T(o.stop);
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: o.name ?? "s", namespace: "ns", uid: "u", generation: 2, annotations },
    spec: { image: "node:22", command: ["npx", "srv"], idleTimeout: 60, ...o.spec },
    status: o.status,
  };
}

function pod(s: MCPServer, state: "ready" | "pending" | "pull" | "crash", age = 5): Pod {
  const p = buildPod(s, { gatewayImage: "gw", entrypoint: { command: ["npx", "srv"], args: [] } });
  p.metadata.creationTimestamp = T(-age);
  const ready = state === "ready" ? "True" : "False";
  const waiting = state === "pull"
    ? { reason: "ImagePullBackOff" }
    : state === "crash"
    ? { reason: "CrashLoopBackOff" }
    : undefined;
  p.status = {
    phase: state === "ready" ? "Running" : "Pending",
    podIP: "127.1.0.2",
    conditions: [{ type: "Ready", status: ready }],
    containerStatuses: [{ name: "mcp", restartCount: 0, state: waiting ? { waiting } : {} }],
  };
  return p;
}

function member(s: MCPServer, hasPod: boolean, extra: Partial<PoolMember> = {}): PoolMember {
  const r = s.metadata.annotations?.["nmcp.nwrx.io/requested-at"];
  return {
    name: s.metadata.name!,
    requestedAt: r ? Date.parse(r) : -Infinity,
    wanted: r !== undefined,
    hasPod,
    ...extra,
  };
}

function observed(s: MCPServer, o: Partial<ObservedServer> = {}): ObservedServer {
  return { pods: [], poolMembers: [member(s, (o.pods?.length ?? 0) > 0)], service: null, ...o };
}

/** A gateway activity report with these sessions, live connections and last request. */
function report(openSessions: number, currentConnections: number, lastRequestAt: string) {
  const upstream = { state: "ready", restarts: 0 };
  return {
    openSessions,
    currentConnections,
    totalRequests: 1,
    lastRequestAt,
    upstream,
    serverInfo: null,
  };
}

const cond = (st: MCPServer["status"] | undefined, type: string) =>
  st?.conditions?.find((c) => c.type === type);

Deno.test("planServer() keeps a never-requested server Idle with no pod", () => {
  const s = server();
  const plan = planServer(s, observed(s), NOW, settings);
  assert.equal(plan.status.phase, "Idle");
  assert.equal(plan.pod, null);
  assert.equal(plan.status.endpoint, "http://mcp-s.ns.svc:80/mcp");
  assert.equal(plan.service, undefined, "no Service before the first start");
  assert.equal(plan.networkPolicy, undefined, "nor a NetworkPolicy");
  assert.equal(cond(plan.status, "Configured")?.status, "True");
  assert.equal(plan.status.observedGeneration, 2);
  assert.deepEqual(plan.events, []);
});

Deno.test("planServer() creates the pod of a requested server and says Starting", () => {
  const s = server({ req: -1, status: { phase: "Idle" } });
  const plan = planServer(s, observed(s), NOW, settings);
  assert.equal(plan.status.phase, "Starting");
  assert.equal(plan.pod?.kind, "Pod");
  assert.equal(plan.status.podName, plan.pod?.metadata.name);
  assert.equal(plan.status.requestedAt, T(-1));
  assert.equal(plan.service?.metadata.name, "mcp-s");
  assert.deepEqual(plan.events.map((e) => e.reason), ["Starting"]);
});

Deno.test("planServer() wants the NetworkPolicy with the first pod, unless turned off", () => {
  const s = server({ req: -1, status: { phase: "Idle" }, spec: { network: { dns: false } } });
  const plan = planServer(s, observed(s), NOW, { ...settings, operatorNamespace: "ops" });
  assert.equal(plan.networkPolicy?.metadata.name, "mcp-s");
  assert.deepEqual(plan.networkPolicy?.spec.egress, []);
  assert.deepEqual(
    plan.networkPolicy?.spec.ingress?.[0].from?.[0].namespaceSelector?.matchLabels,
    { "kubernetes.io/metadata.name": "ops" },
  );
  const off = planServer(s, observed(s), NOW, { ...settings, networkPolicy: false });
  assert.equal(off.networkPolicy, undefined);
  assert.equal(off.pod?.kind, "Pod");
});

Deno.test("planServer() fails a server whose tool rule does not compile, without a pod", () => {
  const s = server({ req: -1, spec: { tools: { rules: [{ expression: "caller.user" }] } } });
  const plan = planServer(s, observed(s), NOW, settings);
  assert.equal(plan.status.phase, "Failed");
  assert.equal(plan.pod, null);
  const c = cond(plan.status, "Configured");
  assert.equal(c?.status, "False");
  assert.equal(c?.reason, "InvalidToolPolicy");
  assert.match(
    c?.message ?? "",
    /spec.tools: Cannot compile tool policy rules\[0\] "caller.user": No such key: user/,
  );
});

Deno.test("planServer() asks for the entrypoint when the spec has no command", () => {
  const s = server({ req: -1, spec: { command: undefined } });
  assert.equal(planServer(s, observed(s), NOW, settings).needsEntrypoint, true);
  const ok = planServer(
    s,
    observed(s, { entrypoint: { command: ["/bin/srv"], args: ["stdio"] } }),
    NOW,
    settings,
  );
  assert.equal(ok.pod?.spec.containers[0].command?.slice(-2).join(" "), "/bin/srv stdio");
  const bad = planServer(s, observed(s, { entrypoint: { error: "no config" } }), NOW, settings);
  assert.equal(bad.status.phase, "Failed");
  assert.equal(cond(bad.status, "Configured")?.status, "False");
  assert.equal(cond(bad.status, "Configured")?.reason, "EntrypointUnknown");
  assert.equal(bad.events[0].type, "Warning");
  assert.equal(bad.status.stoppedAt, NOW.toISOString());
});

Deno.test("planServer() table: pod states map to phases", () => {
  const cases: [Parameters<typeof pod>[1], number, string, string | undefined][] = [
    ["pending", 5, "Starting", undefined],
    ["ready", 5, "Ready", undefined],
    ["crash", 5, "Degraded", "CrashLoop"],
    ["pending", 200, "Degraded", "ReadyTimeout"],
    ["pull", 5, "Failed", "ImagePullFailed"],
  ];
  for (const [state, age, phase, reason] of cases) {
    const s = server({ req: -1, status: { phase: "Starting" } });
    const p = pod(s, state, age);
    const plan = planServer(s, observed(s, { pods: [p] }), NOW, settings);
    assert.equal(plan.status.phase, phase, `${state}/${age}`);
    if (reason) assert.equal(cond(plan.status, "Degraded")?.reason, reason);
    if (phase === "Failed") assert.deepEqual(plan.deletePods, [p.metadata.name]);
    if (phase === "Ready") assert.equal(plan.status.startedAt, NOW.toISOString());
  }
});

Deno.test("planServer() folds activity and stops an idle server after idleTimeout", () => {
  const s = server({ req: -100, status: { phase: "Ready", startedAt: T(-90) } });
  const p = pod(s, "ready");
  const activity = {
    ...report(0, 0, T(-30)),
    totalRequests: 7,
    serverInfo: { name: "e", version: "1", protocolVersion: "2025-06-18", capabilities: {} },
  };
  const busy = planServer(s, observed(s, { pods: [p], activity }), NOW, settings);
  assert.equal(busy.status.phase, "Ready");
  assert.equal(busy.status.totalRequests, 7);
  assert.equal(busy.status.serverInfo?.name, "e");
  assert.equal(busy.requeueAfter, 30_000);
  const late = { ...activity, lastRequestAt: T(-61) };
  const stop = planServer(s, observed(s, { pods: [p], activity: late }), NOW, settings);
  assert.equal(stop.status.phase, "Stopping");
  assert.deepEqual(stop.deletePods, [p.metadata.name]);
  assert.equal(stop.status.stoppedAt, NOW.toISOString());
  assert.equal(stop.events[0].reason, "IdleTimeout");
  const streaming = { ...late, openSessions: 1, currentConnections: 1 };
  assert.equal(
    planServer(s, observed(s, { pods: [p], activity: streaming }), NOW, settings).status.phase,
    "Ready",
    "an open stream or a request in flight keeps the server",
  );
  const abandoned = { ...late, openSessions: 1, currentConnections: 0 };
  assert.equal(
    planServer(s, observed(s, { pods: [p], activity: abandoned }), NOW, settings).status.phase,
    "Stopping",
    "a session without streams or requests does not",
  );
  const stopped = planServer(s, observed(s, { pods: [p], activity: abandoned }), NOW, settings);
  assert.deepEqual([stopped.status.currentConnections, stopped.status.openSessions], [0, 0]);
});

Deno.test("planServer() reports live connections and open sessions apart", () => {
  const s = server({ req: -100, status: { phase: "Ready", startedAt: T(-10) } });
  const activity = report(1, 0, T(-5));
  const plan = planServer(s, observed(s, { pods: [pod(s, "ready")], activity }), NOW, settings);
  assert.equal(plan.status.phase, "Ready");
  assert.equal(plan.status.currentConnections, 0, "an abandoned session is no live connection");
  assert.equal(plan.status.openSessions, 1);
});

Deno.test("planServer() goes Stopping then Idle after a stop request", () => {
  const s = server({ req: -100, stop: -1, status: { phase: "Ready", stoppedAt: T(-500) } });
  const p = pod(s, "ready");
  const a = planServer(s, observed(s, { pods: [p] }), NOW, settings);
  assert.equal(a.status.phase, "Stopping");
  assert.equal(a.status.stoppedAt, NOW.toISOString());
  assert.deepEqual(a.deletePods, [p.metadata.name]);
  const gone = server({ req: -100, stop: -1, status: a.status });
  const b = planServer(gone, observed(gone), NOW, settings);
  assert.equal(b.status.phase, "Idle");
  assert.equal(b.status.podName, undefined);
  assert.deepEqual(b.events.map((e) => e.reason), ["Stopped"]);
});

Deno.test("planServer() queues a request when the pool is full", () => {
  const pool: MCPPool = {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPPool",
    metadata: { name: "default" },
    spec: { maxActive: 2 },
  };
  const a = server({ name: "a", req: -30 }), b = server({ name: "b", req: -20 });
  const c = server({ name: "c", req: -10 });
  const members = [member(a, true), member(b, true), member(c, false)];
  const plan = planServer(c, observed(c, { pool, poolMembers: members }), NOW, settings);
  assert.equal(plan.status.phase, "Requested");
  assert.equal(cond(plan.status, "Queued")?.status, "True");
  assert.match(cond(plan.status, "Queued")!.message, /pool "default"/);
  assert.equal(plan.pod, undefined);
  members[0].hasPod = false;
  members[0].wanted = false;
  const freed = planServer(c, observed(c, { pool, poolMembers: members }), NOW, settings);
  assert.equal(freed.status.phase, "Starting");
});

Deno.test("planServer() rolls the pod when the spec changes", () => {
  const s = server({ req: -1, status: { phase: "Ready" } });
  const old = pod(server({ req: -1, spec: { image: "node:20" } }), "ready");
  const plan = planServer(s, observed(s, { pods: [old] }), NOW, settings);
  assert.deepEqual(plan.deletePods, [old.metadata.name]);
  assert.notEqual(plan.pod?.metadata.name, old.metadata.name);
});

Deno.test("planServer() fails images outside the allowlist without retrying", () => {
  const s = server({ req: -1, spec: { image: "evil/x:1" } });
  const plan = planServer(s, observed(s), NOW, { ...settings, imageAllowlist: ["node:*"] });
  assert.equal(plan.status.phase, "Failed");
  assert.equal(cond(plan.status, "Configured")?.reason, "ImageNotAllowed");
  assert.equal(plan.requeueAfter, undefined);
  assert.equal(plan.service, undefined);
});

Deno.test("planServer() stays Failed until a new request after an image error", () => {
  const s = server({
    req: -10,
    status: {
      phase: "Failed",
      requestedAt: T(-10),
      stoppedAt: T(-5),
      observedGeneration: 2,
      conditions: [{
        type: "Configured",
        status: "False",
        reason: "ImagePullFailed",
        message: "x",
        lastTransitionTime: T(-5),
      }],
    },
  });
  const plan = planServer(s, observed(s), NOW, settings);
  assert.equal(plan.status.phase, "Failed");
  assert.equal(cond(plan.status, "Configured")?.status, "False");
  const again = server({ req: -1, status: s.status });
  assert.equal(planServer(again, observed(again), NOW, settings).status.phase, "Starting");
});

Deno.test("planServer() stops a Degraded server after idleTimeout from the request", () => {
  const s = server({ req: -100, status: { phase: "Degraded" } });
  const p = pod(s, "crash");
  const plan = planServer(s, observed(s, { pods: [p] }), NOW, settings);
  assert.equal(plan.status.phase, "Stopping");
  assert.equal(plan.events[0].reason, "IdleTimeout");
  const fresh = server({ req: -10, status: { phase: "Degraded" } });
  const keep = planServer(fresh, observed(fresh, { pods: [pod(fresh, "crash")] }), NOW, settings);
  assert.equal(keep.status.phase, "Degraded");
  assert.equal(keep.requeueAfter, 10_000);
});

Deno.test("planServer() honours a new request even from a client clock behind the operator", () => {
  const stopped = { phase: "Idle" as const, requestedAt: T(-100), stoppedAt: T(-10) };
  const late = server({ req: -50, status: stopped });
  assert.equal(planServer(late, observed(late), NOW, settings).status.phase, "Starting");
  const same = server({ req: -100, status: stopped });
  assert.equal(planServer(same, observed(same), NOW, settings).status.phase, "Idle");
});

Deno.test("planServer() stops the longest idle server beyond the pool's maxIdle", () => {
  const pool: MCPPool = {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPPool",
    metadata: { name: "default" },
    spec: { maxIdle: 1 },
  };
  const status = { phase: "Ready" as const, startedAt: T(-50), requestedAt: T(-60) };
  const a = server({ name: "a", req: -60, spec: { idleTimeout: 0 }, status });
  const members = [
    member(a, true, { idleSince: NOW.getTime() - 60_000 }),
    member(server({ name: "b", req: -40 }), true, { idleSince: NOW.getTime() - 40_000 }),
  ];
  const plan = planServer(
    a,
    observed(a, { pods: [pod(a, "ready")], pool, poolMembers: members }),
    NOW,
    settings,
  );
  assert.equal(plan.status.phase, "Stopping");
  assert.equal(plan.events[0].reason, "PoolMaxIdle");
});

Deno.test("planServer() requeues at each timed decision: ready deadline, idle timeout", () => {
  const s = server({ req: -10, status: { phase: "Starting" } });
  const starting = planServer(s, observed(s, { pods: [pod(s, "pending", 5)] }), NOW, settings);
  assert.equal(starting.requeueAfter, 115_000, "at the ready timeout (120 s after creation)");
  const up = server({ req: -100, status: { phase: "Ready", startedAt: T(-45) } });
  const ready = planServer(up, observed(up, { pods: [pod(up, "ready")] }), NOW, settings);
  assert.equal(ready.requeueAfter, 15_000, "at the idle timeout (60 s after the start)");
  const never = server({ req: -100, spec: { idleTimeout: 0 }, status: up.status });
  const kept = planServer(never, observed(never, { pods: [pod(never, "ready")] }), NOW, settings);
  assert.equal(kept.requeueAfter, undefined, "no timed decision, no requeue");
});

Deno.test("planServer() still orders both annotations by time (hand-written, older clients)", () => {
  const both = (r: string, st: string): MCPServer => {
    const s = server({ status: { phase: "Idle" } });
    s.metadata.annotations = {
      "nmcp.nwrx.io/requested-at": r,
      "nmcp.nwrx.io/stop-requested-at": st,
    };
    return s;
  };
  const phase = (s: MCPServer) => planServer(s, observed(s), NOW, settings).status.phase;
  assert.equal(phase(both("2026-01-01T00:09:58Z", "2026-01-01T00:09:57Z")), "Starting");
  assert.equal(phase(both("2026-01-01T00:09:58Z", "2026-01-01T00:09:58Z")), "Idle", "a tie stops");
  assert.equal(phase(both("2026-01-01T00:09:58.400Z", "2026-01-01T00:09:58.100Z")), "Starting");
  assert.equal(phase(both("2026-01-01T00:09:58.400Z", "2026-01-01T00:09:58Z")), "Starting");
});
