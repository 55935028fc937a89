/** Fault: the upstream never answers one method; the gateway bounds the request and the drain. */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { waitFor } from "../integration/gateway_support.ts";
import { activity, alive, assertServed, settleTime, startPodLikeGateway } from "./_support.ts";

const HANG = ["deno", "run", new URL("./fixtures/hang_server.ts", import.meta.url).pathname];
const REQUEST_TIMEOUT_S = 3;
const DRAIN_S = 1;

/** A hung `tools/call` from a new SDK client; the promise settles when the gateway answers. */
async function hungCall(url: string) {
  const client = new Client({ name: "hung", version: "1" });
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`));
  await client.connect(transport);
  // The SDK client also holds a GET stream open: a live connection of its own.
  const idle = (await activity(url)).currentConnections;
  const call = client.callTool({ name: "hang", arguments: {} }, undefined, { timeout: 60_000 });
  const leave = async () => {
    await transport.terminateSession().catch(() => {});
    await client.close();
  };
  return { client, call, idle, leave };
}

Deno.test("faults: a hung upstream request gets -32001 in --request-timeout, SIGTERM exits in the drain", async () => {
  const gw = await startPodLikeGateway([
    `--request-timeout=${REQUEST_TIMEOUT_S}`,
    `--drain-timeout=${DRAIN_S}`,
    "--stdio",
    "--",
    ...HANG,
  ]);
  const clients: Client[] = [];
  try {
    const first = await hungCall(gw.url);
    clients.push(first.client);
    const t0 = performance.now();
    const err = await first.call.then(() => undefined, (e) => e as { code?: number });
    const took = performance.now() - t0;
    console.log(
      `hung call answered -32001 after ${took.toFixed(0)} ms (timeout ${REQUEST_TIMEOUT_S} s)`,
    );
    assert.equal(err?.code, -32001, "the client gets the timeout error");
    assert.ok(took >= REQUEST_TIMEOUT_S * 1000 - 100, `not before the timeout (${took} ms)`);
    assert.ok(took < REQUEST_TIMEOUT_S * 1000 + 2000, `within the bound (${took} ms)`);
    assert.ok(
      await waitFor(() => /hang-server: cancelled /.test(gw.stderr()), 2000),
      "the server is told the request was cancelled",
    );
    const after = (await activity(gw.url)).currentConnections;
    assert.equal(after, first.idle, "the timed-out call no longer counts as a live connection");
    await first.leave();
    assert.ok(
      await waitFor(async () => (await activity(gw.url)).currentConnections === 0, 2000),
      "currentConnections returns to 0 once the client leaves",
    );
    await assertServed(`${gw.url}/mcp`);

    const second = await hungCall(gw.url);
    clients.push(second.client);
    assert.ok(
      await waitFor(
        async () => (await activity(gw.url)).currentConnections === second.idle + 1,
        5000,
      ),
      "the second hung call is in flight",
    );
    const t1 = performance.now();
    const settled = settleTime(second.call, t1);
    await gw.stop();
    const exit = performance.now() - t1;
    console.log(
      `SIGTERM with a hung call pending: exit after ${exit.toFixed(0)} ms (drain ${DRAIN_S} s)`,
    );
    assert.ok(exit < DRAIN_S * 1000 + 1500, `exits within the drain window (${exit} ms)`);
    assert.ok((await settled) < DRAIN_S * 1000 + 1500, "the pending client gets an end too");
    assert.equal(await alive(gw.pid), false);
  } finally {
    await Promise.all(clients.map((c) => c.close().catch(() => {})));
    await gw.stop();
  }
});
