import assert from "node:assert/strict";
import { createLogger } from "../log.ts";
import { createKubeClient } from "./client.ts";
import { Informer, type KubeObj } from "./informer.ts";

const obj = (name: string, rv: string) => ({
  metadata: { name, namespace: "ns", resourceVersion: rv },
});

Deno.test("Informer re-watches on close, re-lists on 410 and restarts a silent watch", async () => {
  const requests: string[] = [];
  let lists = 0, watches = 0;
  const enc = new TextEncoder();
  const silent: ReadableStreamDefaultController<Uint8Array>[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const url = new URL(req.url);
    const watch = url.searchParams.get("watch") === "true";
    requests.push(
      `${watch ? "watch" : "list"} rv=${url.searchParams.get("resourceVersion") ?? ""}`,
    );
    if (!watch) {
      lists++;
      const items = lists === 1 ? [obj("a", "1")] : [obj("b", "7")];
      return Response.json({ items, metadata: { resourceVersion: lists === 1 ? "1" : "7" } });
    }
    watches++;
    const body = new ReadableStream<Uint8Array>({
      start(c) {
        if (watches === 1) {
          c.enqueue(enc.encode(JSON.stringify({ type: "ADDED", object: obj("c", "2") }) + "\n"));
          c.close();
        } else if (watches === 2) {
          const status = { kind: "Status", code: 410, reason: "Expired", message: "too old" };
          c.enqueue(enc.encode(JSON.stringify({ type: "ERROR", object: status }) + "\n"));
          c.close();
        } else silent.push(c);
      },
    });
    return new Response(body, { headers: { "content-type": "application/json" } });
  });
  const client = createKubeClient({
    server: `http://127.0.0.1:${server.addr.port}`,
    headers: () => Promise.resolve({}),
  });
  const events: string[] = [];
  const inf = new Informer<KubeObj>(client, {
    path: "/api/v1/pods",
    idleTimeoutMs: 300,
    log: createLogger({}, { level: "error" }),
  });
  inf.on((e) => events.push(`${e.type} ${e.object.metadata.name}`));
  try {
    await inf.start();
    const deadline = Date.now() + 5000;
    while (watches < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(requests.slice(0, 5), [
      "list rv=",
      "watch rv=1",
      "watch rv=2",
      "list rv=",
      "watch rv=7",
    ]);
    assert.ok(watches >= 4, "a silent watch is restarted");
    assert.deepEqual(events, ["ADDED a", "ADDED c", "DELETED a", "DELETED c", "ADDED b"]);
    assert.deepEqual([...inf.store.keys()], ["ns/b"]);
  } finally {
    await inf.stop();
    for (const c of silent) {
      try {
        c.close();
      } catch { /* closed by the abort */ }
    }
    client.close();
    await server.shutdown();
  }
});
