import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import type { Session } from "../context.ts";
import type { Kube, WatchEvent } from "../kube/client.ts";
import { followServer } from "./follow.ts";
import { waitReady } from "./wait_ready.ts";

/** A Kube holding one server; watchers get every update pushed with `set`. */
function fakeKube(initial: MCPServer["status"]) {
  let server: MCPServer = {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "s", namespace: "ns", resourceVersion: "1", annotations: {} },
    spec: { image: "i" },
    status: initial,
  };
  const watchers = new Set<(ev: WatchEvent<MCPServer>) => void>();
  const patches: unknown[] = [];
  const kube = {
    get: () => Promise.resolve(structuredClone(server)),
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
    set(status: MCPServer["status"]) {
      server = { ...server, status };
      for (const w of [...watchers]) w({ type: "MODIFIED", object: structuredClone(server) });
    },
  };
}

const tick = () => new Promise((r) => setTimeout(r, 10));

Deno.test("waitReady() follows watch events to Ready and reports each phase once", async () => {
  const f = fakeKube({ phase: "Requested" });
  const lines: string[] = [];
  const ready = waitReady(f.session, "ns", "s", {
    timeoutMs: 5000,
    progress: (l) => lines.push(l),
  });
  await tick();
  f.set({ phase: "Starting" });
  f.set({ phase: "Starting" });
  f.set({ phase: "Ready", podName: "s-1" });
  assert.equal(await ready, "s-1");
  assert.equal(lines.length, 3);
  assert.match(lines[2], /^mcpserver\/s: Ready \(pod s-1\)/);
  assert.equal(f.watchers.size, 0, "the watch is stopped");
});

Deno.test("waitReady() fails on Failed and on timeout, with a hint", async () => {
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
    /not Ready after 0s \(see kubectl nmcp describe s; raise --timeout\)/,
  );
  assert.equal(slow.watchers.size, 0);
});

Deno.test("followServer() re-requests periodically and reports a new pod", async () => {
  const f = fakeKube({ phase: "Ready", podName: "s-1" });
  const pods: string[] = [];
  const stop = followServer(f.session, {
    namespace: "ns",
    name: "s",
    refreshMs: 20,
    onPod: (p) => pods.push(p),
  });
  try {
    await new Promise((r) => setTimeout(r, 70));
    assert.ok(f.patches.length >= 2, `re-requested ${f.patches.length} times`);
    const annotations = (f.patches[0] as { metadata: { annotations: Record<string, string> } })
      .metadata.annotations;
    assert.match(
      annotations["nmcp.nwrx.io/requested-at"],
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/,
    );
    f.set({ phase: "Ready", podName: "s-2" });
    assert.equal(pods.at(-1), "s-2");
  } finally {
    stop();
  }
  assert.equal(f.watchers.size, 0);
});
