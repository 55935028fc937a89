/** Fault: the stdio server dies (SIGKILL) with 10 calls in flight through the gateway. */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { childPids, EVERYTHING, isReady, waitFor } from "../integration/gateway_support.ts";
import { activity, assertServed, settleTime, startPodLikeGateway } from "./_support.ts";

const CALLS = 10;
/** Every in-flight call must be settled this soon after the kill. */
const ANSWER_BOUND_MS = 3000;

Deno.test("faults: SIGKILL of the stdio child answers every in-flight call, then serves again", async () => {
  const gw = await startPodLikeGateway(["--stdio", "--", ...EVERYTHING]);
  const clients: Client[] = [];
  try {
    for (let i = 0; i < CALLS; i++) {
      const c = new Client({ name: `c${i}`, version: "1" });
      await c.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
      clients.push(c);
    }
    const calls = clients.map((c) =>
      c.callTool(
        { name: "trigger-long-running-operation", arguments: { duration: 60, steps: 1 } },
        undefined,
        { timeout: 90_000 },
      )
    );
    const inFlight = await waitFor(
      async () => (await activity(gw.url)).currentConnections >= CALLS,
      10_000,
    );
    assert.ok(inFlight, "10 calls in flight before the kill");
    const [child] = await childPids(gw.pid);
    assert.ok(child, "the gateway runs a stdio child");
    const t0 = performance.now();
    Deno.kill(child, "SIGKILL");
    const times = await Promise.all(calls.map((p) => settleTime(p, t0)));
    const outcomes = await Promise.allSettled(calls);
    const worst = Math.max(...times);
    console.log(`stdio child SIGKILL: ${CALLS} calls settled in max ${worst.toFixed(0)} ms`);
    assert.ok(worst < ANSWER_BOUND_MS, `every call settled within ${ANSWER_BOUND_MS} ms`);
    for (const o of outcomes) {
      assert.equal(o.status, "rejected", "a killed server's call is an error, never a result");
    }
    assert.ok(await waitFor(() => isReady(gw.url), 15_000), "ready again after the restart");
    const [next] = await childPids(gw.pid);
    assert.ok(next && next !== child, "a new child runs");
    const served = await assertServed(`${gw.url}/mcp`);
    console.log(`fresh client after the restart served in ${served.toFixed(0)} ms`);
    assert.equal((await activity(gw.url)).currentConnections, 0, "nothing left in flight");
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await gw.stop();
  }
});
