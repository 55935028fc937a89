import assert from "node:assert/strict";
import { createLogger } from "../lib/log.ts";
import { ActivityPoller } from "./activity.ts";

Deno.test("ActivityPoller reads /activity and reports only changes", async () => {
  let total = 1;
  const gw = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (new URL(req.url).pathname !== "/activity") return new Response("no", { status: 404 });
    return Response.json({
      openSessions: 1,
      currentConnections: 1,
      totalRequests: total,
      lastRequestAt: null,
      upstream: { state: "ready", restarts: 0 },
      serverInfo: null,
    });
  });
  const changed: string[] = [];
  const targets = [
    { key: "ns/a", url: `http://127.0.0.1:${gw.addr.port}` },
    { key: "ns/dead", url: "http://127.0.0.1:1" },
  ];
  const poller = new ActivityPoller({
    targets: () => targets,
    onChange: (k) => changed.push(k),
    log: createLogger({}, { level: "error" }),
    timeoutMs: 1000,
  });
  try {
    await poller.pollOnce();
    await poller.pollOnce();
    total = 2;
    await poller.pollOnce();
    assert.deepEqual(changed, ["ns/a", "ns/a"]);
    assert.equal(poller.latest.get("ns/a")?.totalRequests, 2);
    assert.equal(poller.latest.has("ns/dead"), false);
    targets.length = 0;
    await poller.pollOnce();
    assert.equal(poller.latest.size, 0, "stopped servers are forgotten");
  } finally {
    await poller.stop();
    await gw.shutdown();
  }
});
