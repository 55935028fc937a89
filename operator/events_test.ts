import assert from "node:assert/strict";
import { createLogger } from "../lib/log.ts";
import { EventRecorder } from "./events.ts";
import type { KubeClient } from "../lib/kube/mod.ts";

Deno.test("EventRecorder posts once, then aggregates repeats into count", async () => {
  const calls: { method: string; path: string; body: Record<string, unknown> }[] = [];
  const client = {
    request(method: string, path: string, opts: { body: Record<string, unknown> }) {
      calls.push({ method, path, body: opts.body });
      return Promise.resolve({});
    },
  } as unknown as KubeClient;
  const rec = new EventRecorder(client, createLogger({}, { level: "error" }), {
    now: () => new Date("2026-01-01T00:00:00Z"),
  });
  const obj = {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "a", namespace: "ns", uid: "u1" },
  };
  const ev = { type: "Warning" as const, reason: "CrashLoop", message: "boom" };
  await rec.record(obj, ev);
  await rec.record(obj, ev);
  await rec.record(obj, { ...ev, message: "other" });
  assert.deepEqual(calls.map((c) => c.method), ["POST", "PATCH", "POST"]);
  const posted = calls[0].body;
  assert.deepEqual(posted.involvedObject, {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    name: "a",
    namespace: "ns",
    uid: "u1",
    resourceVersion: undefined,
  });
  assert.equal(posted.count, 1);
  assert.equal(
    calls[1].path,
    `/api/v1/namespaces/ns/events/${(posted.metadata as { name: string }).name}`,
  );
  assert.deepEqual(calls[1].body, { count: 2, lastTimestamp: "2026-01-01T00:00:00.000Z" });
});
