import assert from "node:assert/strict";
import type { LastWake, MCPPool, MCPServer } from "../../lib/api/mod.ts";
import { buildPod } from "../build/pod.ts";
import type { PoolMember } from "./pool.ts";
import { planServer, type ServerSettings } from "./server.ts";
import { MAX_QUEUED_BEHIND, nextWake } from "./wake.ts";

const R = "2026-01-01T00:00:00.000Z";
const at = (s: number) => new Date(Date.parse(R) + s * 1000).toISOString();

Deno.test("nextWake() records request, admission and readiness of one run once", () => {
  const queued = nextWake(undefined, {
    prevPhase: "Idle",
    phase: "Requested",
    requestedAt: R,
    now: at(1),
    queuedBehind: ["a", "b"],
  });
  assert.deepEqual(queued, { requestedAt: R, queuedBehind: ["a", "b"] });
  const started = nextWake(queued, {
    prevPhase: "Requested",
    phase: "Starting",
    requestedAt: R,
    now: at(4),
  });
  assert.deepEqual(started, {
    requestedAt: R,
    queuedBehind: ["a", "b"],
    admittedAt: at(4),
    queuedMs: 4000,
  });
  const ready = nextWake(started, {
    prevPhase: "Starting",
    phase: "Ready",
    requestedAt: R,
    now: at(7.5),
  });
  assert.equal(ready?.readyAt, at(7.5));
  assert.equal(ready?.durationMs, 7500);
  const later = nextWake(ready, {
    prevPhase: "Ready",
    phase: "Ready",
    requestedAt: R,
    now: at(60),
  });
  assert.deepEqual(later, ready, "a Ready server keeps the record of its wake");
});

Deno.test("nextWake() table: which plans start, keep or ignore a record", () => {
  const prev: LastWake = { requestedAt: R, readyAt: at(2), durationMs: 2000 };
  const newer = at(100);
  const cases: [string, Parameters<typeof nextWake>[1], LastWake | undefined][] = [
    ["no request", { prevPhase: "Idle", phase: "Idle", now: at(1) }, prev],
    ["stopped now", { prevPhase: "Ready", phase: "Stopping", requestedAt: R, now: at(1) }, prev],
    ["new request while Ready", {
      prevPhase: "Ready",
      phase: "Ready",
      requestedAt: newer,
      now: at(101),
    }, prev],
    ["new request from Idle", {
      prevPhase: "Idle",
      phase: "Starting",
      requestedAt: newer,
      now: at(101),
    }, {
      requestedAt: newer,
      admittedAt: at(101),
      queuedMs: 1000,
    }],
    ["new request after Failed", {
      prevPhase: "Failed",
      phase: "Ready",
      requestedAt: newer,
      now: at(103),
    }, {
      requestedAt: newer,
      admittedAt: at(103),
      queuedMs: 3000,
      readyAt: at(103),
      durationMs: 3000,
    }],
  ];
  for (const [name, input, want] of cases) assert.deepEqual(nextWake(prev, input), want, name);
  assert.equal(
    nextWake(undefined, { prevPhase: "Ready", phase: "Ready", requestedAt: R, now: at(1) }),
    undefined,
  );
});

Deno.test("nextWake() keeps at most MAX_QUEUED_BEHIND names", () => {
  const many = Array.from({ length: 25 }, (_, i) => `s${i}`);
  const w = nextWake(undefined, {
    phase: "Requested",
    requestedAt: R,
    now: at(1),
    queuedBehind: many,
  });
  assert.equal(w?.queuedBehind?.length, MAX_QUEUED_BEHIND);
});

const settings: ServerSettings = { gatewayImage: "gw", readyTimeout: 120 };

function server(name: string, req: string, status?: MCPServer["status"]): MCPServer {
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: {
      name,
      namespace: "ns",
      uid: `u-${name}`,
      generation: 1,
      annotations: { "nmcp.nwrx.io/requested-at": req },
    },
    spec: { image: "node:22", command: ["srv"], idleTimeout: 0 },
    status,
  };
}

/** A pool member; a member without a pod is not wanted (it stopped). */
const member = (name: string, hasPod: boolean, req: string): PoolMember => ({
  name,
  requestedAt: Date.parse(req),
  wanted: hasPod || name === "c",
  hasPod,
});

Deno.test("planServer() records status.lastWake: queued behind the slot holder, then Ready", () => {
  const pool: MCPPool = {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPPool",
    metadata: { name: "default", namespace: "ns" },
    spec: { maxActive: 1 },
  };
  const s = server("c", R, { phase: "Idle" });
  const full = [member("a", true, at(-50)), member("c", false, R)];
  const q = planServer(s, { pods: [], pool, poolMembers: full }, new Date(at(1)), settings);
  assert.equal(q.status.phase, "Requested");
  assert.deepEqual(q.status.lastWake, { requestedAt: R, queuedBehind: ["a"] });
  const free = [member("a", false, at(-50)), member("c", false, R)];
  const s2 = { ...s, status: q.status };
  const st = planServer(s2, { pods: [], pool, poolMembers: free }, new Date(at(3)), settings);
  assert.equal(st.status.phase, "Starting");
  assert.equal(st.status.lastWake?.queuedMs, 3000);
  const pod = buildPod(s2, { gatewayImage: "gw", entrypoint: { command: ["srv"], args: [] } });
  pod.status = { phase: "Running", conditions: [{ type: "Ready", status: "True" }] };
  const s3 = { ...s, status: st.status };
  const members = [member("a", false, at(-50)), member("c", true, R)];
  const ready = planServer(
    s3,
    { pods: [pod], pool, poolMembers: members },
    new Date(at(9)),
    settings,
  );
  assert.equal(ready.status.phase, "Ready");
  assert.deepEqual(ready.status.lastWake, {
    requestedAt: R,
    queuedBehind: ["a"],
    admittedAt: at(3),
    queuedMs: 3000,
    readyAt: at(9),
    durationMs: 9000,
  });
});
