import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import type { Session } from "../context.ts";
import type { Kube, WatchEvent } from "../kube/client.ts";
import type { PodStatusLike } from "./readiness.ts";
import { waitReady } from "./wait_ready.ts";
import { createWaker } from "./waker.ts";

const readyPod = (name: string): PodStatusLike => ({
  metadata: { name },
  status: { phase: "Running", conditions: [{ type: "Ready", status: "True" }] },
});

/** A Kube holding one server and its pods; watchers get every update pushed with `set`. */
function fakeKube(initial: MCPServer["status"]) {
  let server: MCPServer = {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "s", namespace: "ns", resourceVersion: "1", annotations: {} },
    spec: { image: "i" },
    status: initial,
  };
  const pods = new Map<string, PodStatusLike>();
  const watchers = new Set<(ev: WatchEvent<MCPServer>) => void>();
  const patches: unknown[] = [];
  const kube = {
    get: () => Promise.resolve(structuredClone(server)),
    getPod: (_ns: string, name: string) =>
      pods.has(name)
        ? Promise.resolve(structuredClone(pods.get(name)))
        : Promise.reject(new Error("not found")),
    list: () => Promise.resolve({ items: [structuredClone(server)] }),
    mergePatch: (_k: unknown, _ns: string, _n: string, patch: unknown) => {
      patches.push(patch);
      return Promise.resolve(structuredClone(server));
    },
    watch: (
      _path: string,
      _q: Record<string, string>,
      onEvent: (ev: WatchEvent<MCPServer>) => void,
      _onDone: (err: unknown) => void,
    ) => {
      watchers.add(onEvent);
      return Promise.resolve(() => watchers.delete(onEvent));
    },
  };
  const session = { kube: kube as unknown as Kube, namespace: "ns", defaultNamespace: "ns" };
  return {
    session: session as Session,
    patches,
    watchers,
    pods,
    set(status: MCPServer["status"]) {
      server = { ...server, status };
      for (const w of [...watchers]) w({ type: "MODIFIED", object: structuredClone(server) });
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 20));

Deno.test("waitReady() follows watch events to Ready and reports each state once", async () => {
  const f = fakeKube({ phase: "Requested" });
  f.pods.set("s-1", { metadata: { name: "s-1" }, status: { phase: "Pending" } });
  const lines: string[] = [];
  const ready = waitReady(f.session, "ns", "s", {
    timeoutMs: 5000,
    progress: (l) => lines.push(l),
  });
  await tick();
  f.set({ phase: "Starting", podName: "s-1" });
  await tick();
  f.set({ phase: "Starting", podName: "s-1" });
  await tick();
  f.set({ phase: "Ready", podName: "s-1" });
  assert.equal(await ready, "s-1");
  assert.deepEqual(lines.map((l) => l.replace(/ \d+s/, " Ns")), [
    "mcpserver/s: Requested, waiting Ns\n",
    "mcpserver/s: Starting (pod s-1 Pending), waiting Ns\n",
    "mcpserver/s: Ready (pod s-1) after Ns\n",
  ]);
  assert.equal(f.watchers.size, 0, "the watch is stopped");
});

Deno.test("waitReady() fails on Failed and on timeout, naming the last state", async () => {
  const failed = fakeKube({ phase: "Starting" });
  const p = waitReady(failed.session, "ns", "s", { timeoutMs: 5000 });
  await tick();
  failed.set({
    phase: "Failed",
    conditions: [{
      type: "Degraded",
      status: "True",
      reason: "ImagePullBackOff",
      message: "no such image",
      lastTransitionTime: "2026-01-01T00:00:00Z",
    }],
  });
  await assert.rejects(p, /Cannot connect to MCPServer "s": ImagePullBackOff: no such image/);
  const slow = fakeKube({ phase: "Requested" });
  await assert.rejects(
    waitReady(slow.session, "ns", "s", { timeoutMs: 50 }),
    /not Ready after 0s, last state Requested \(see kubectl nmcp describe s; raise --timeout\)/,
  );
  assert.equal(slow.watchers.size, 0);
});

Deno.test("waitReady() re-reads on its heartbeat when no event comes", async () => {
  const f = fakeKube({ phase: "Ready", podName: "s-1" });
  f.pods.set("s-1", { metadata: { name: "s-1", deletionTimestamp: "2026-01-01T00:00:00Z" } });
  const lines: string[] = [];
  const p = waitReady(f.session, "ns", "s", {
    timeoutMs: 5000,
    checkPod: true,
    heartbeatMs: 20,
    progress: (l) => lines.push(l),
  });
  await tick();
  f.pods.set("s-1", readyPod("s-1"));
  assert.equal(await p, "s-1");
  assert.match(lines[0], /^mcpserver\/s: Ready \(pod s-1 terminating\), waiting/);
});

Deno.test("createWaker() answers a Ready server at once, wakes a gone one, shares the wait", async () => {
  const f = fakeKube({ phase: "Ready", podName: "s-1" });
  f.pods.set("s-1", readyPod("s-1"));
  const lines: string[] = [];
  const waker = createWaker(f.session, {
    namespace: "ns",
    name: "s",
    timeoutMs: 5000,
    progress: (l) => lines.push(l),
  });
  assert.equal(await waker.target(), "s-1");
  assert.equal(f.patches.length, 0, "no request for a Ready server");
  f.pods.delete("s-1");
  f.set({ phase: "Idle" });
  const both = Promise.all([waker.target(), waker.target()]);
  await tick();
  assert.equal(f.patches.length, 1, "one wake request for two connections");
  f.pods.set("s-2", readyPod("s-2"));
  f.set({ phase: "Ready", podName: "s-2" });
  assert.deepEqual(await both, ["s-2", "s-2"]);
  assert.equal(lines[0], "mcpserver/s: no running pod, requesting it\n");
  assert.match(lines.at(-1)!, /pod replaced, tunnel now goes to s-2/);
});

Deno.test("createWaker() keeps a queued server's place (no new request while it waits)", async () => {
  const f = fakeKube({ phase: "Requested" });
  const waker = createWaker(f.session, { namespace: "ns", name: "s", timeoutMs: 50 });
  await assert.rejects(waker.target(), /not Ready after 0s, last state Requested/);
  assert.equal(f.patches.length, 0);
});
