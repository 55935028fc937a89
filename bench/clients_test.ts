import assert from "node:assert/strict";
import {
  parseSse,
  sseSession,
  statelessSession,
  stdioClient,
  streamableSession,
} from "./clients.ts";
import { denoScript, gatewayPresent, startGateway, startListening } from "./launch.ts";

const ECHO = denoScript("bench/echo_server.ts");

Deno.test("parseSse() joins data lines and keeps event names", () => {
  const text = 'event: endpoint\ndata: /message?x=1\n\nid: 3\ndata: {"a":\ndata: 1}\n\n';
  assert.deepEqual(parseSse(text), [
    { event: "endpoint", data: "/message?x=1" },
    { event: "message", data: '{"a":\n1}' },
  ]);
});

Deno.test("stdioClient() multiplexes concurrent calls over one echo server", async () => {
  const client = await stdioClient(ECHO);
  try {
    const s = await client.session();
    const sent = Array.from({ length: 50 }, (_, i) => `direct-${i}`);
    assert.deepEqual(await Promise.all(sent.map((m) => s.call(m))), sent);
  } finally {
    await client.close();
  }
});

Deno.test({
  name: "bench clients get their own echoes through our gateway on every transport",
  ignore: !gatewayPresent(),
  async fn() {
    const gw = await startGateway(ECHO);
    try {
      const sessions = await Promise.all([
        streamableSession(`${gw.base}/mcp`),
        sseSession(gw.base),
        statelessSession(`${gw.base}/mcp`),
      ]);
      for (const [i, s] of sessions.entries()) {
        assert.equal(await s.call(`t${i}-a`), `t${i}-a`);
        assert.equal(await s.call(`t${i}-b`), `t${i}-b`);
        await s.close();
      }
    } finally {
      await gw.stop();
    }
  },
});

Deno.test("the floor bridge routes each session's echoes back to it on both transports", async () => {
  const floor = await startListening(denoScript("bench/floor_bridge.ts", ...ECHO), "floor");
  try {
    const sessions = await Promise.all([
      streamableSession(`${floor.base}/mcp`),
      sseSession(floor.base),
      sseSession(floor.base),
    ]);
    const got = await Promise.all(sessions.map((s, i) => s.call(`floor-${i}`)));
    assert.deepEqual(got, ["floor-0", "floor-1", "floor-2"]);
    await Promise.all(sessions.map((s) => s.close()));
  } finally {
    await floor.stop();
  }
});
