/** Issue 13 against the real gateway binary: hung requests, slow bodies and SIGTERM are bounded. */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { EVERYTHING, startGateway } from "./gateway_support.ts";

const HEADERS = {
  accept: "application/json, text/event-stream",
  "content-type": "application/json",
};

/** Opens a session with a real SDK client's initialize; returns its id (the client stays idle). */
async function initialize(url: string): Promise<string> {
  const transport = new StreamableHTTPClientTransport(new URL(`${url}/mcp`));
  await new Client({ name: "t", version: "1" }).connect(transport);
  return transport.sessionId!;
}

const longCall = (id: number, duration: number) =>
  JSON.stringify({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { name: "trigger-long-running-operation", arguments: { duration, steps: 1 } },
  });

Deno.test("gateway: a call the server does not answer in --request-timeout gets -32001", async () => {
  const gw = await startGateway(["--request-timeout", "1", "--stdio", "--", ...EVERYTHING]);
  try {
    const sid = await initialize(gw.url);
    const before = (await (await fetch(`${gw.url}/activity`)).json()).currentConnections;
    const t0 = Date.now();
    const res = await fetch(`${gw.url}/mcp`, {
      method: "POST",
      headers: { ...HEADERS, accept: "application/json", "mcp-session-id": sid },
      body: longCall(1, 30),
    });
    const body = await res.json();
    const took = Date.now() - t0;
    assert.equal(body.error.code, -32001);
    assert.ok(took >= 900 && took < 3000, `answered after ${took} ms`);
    const activity = await (await fetch(`${gw.url}/activity`)).json();
    assert.equal(activity.currentConnections, before, "the hung call no longer counts");
  } finally {
    await gw.stop();
  }
});

Deno.test("gateway: a body dripped over a real socket is cut off with 408", async () => {
  const gw = await startGateway(["--body-timeout", "1", "--stdio", "--", ...EVERYTHING]);
  const port = Number(new URL(gw.url).port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    const enc = new TextEncoder();
    const head = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
      "Accept: application/json\r\nContent-Length: 200\r\n\r\n{";
    await conn.write(enc.encode(head));
    const t0 = Date.now();
    let sent = 0;
    const drip = setInterval(() => conn.write(enc.encode(" ")).then(() => sent++, () => {}), 100);
    await new Promise((r) => setTimeout(r, 500));
    const mid = await (await fetch(`${gw.url}/activity`)).json();
    assert.equal(mid.currentConnections, 0, "a dripping body keeps nothing up");
    const buf = new Uint8Array(4096);
    const n = await conn.read(buf);
    clearInterval(drip);
    const took = Date.now() - t0;
    const text = new TextDecoder().decode(buf.subarray(0, n ?? 0));
    assert.match(text, /^HTTP\/1.1 408/);
    assert.ok(took >= 900 && took < 3500, `cut after ${took} ms, ${sent} bytes dripped`);
  } finally {
    conn.close();
    await gw.stop();
  }
});

Deno.test("gateway: SIGTERM exits within --drain-timeout whatever is pending", async () => {
  const gw = await startGateway(["--drain-timeout", "1", "--stdio", "--", ...EVERYTHING]);
  const sid = await initialize(gw.url);
  const hung = fetch(`${gw.url}/mcp`, {
    method: "POST",
    headers: { ...HEADERS, accept: "application/json", "mcp-session-id": sid },
    body: longCall(1, 60),
  }).then((r) => r.text(), (e) => String(e));
  await new Promise((r) => setTimeout(r, 300));
  const t0 = Date.now();
  await gw.stop(); // SIGTERM, SIGKILL only after 5 s
  const took = Date.now() - t0;
  assert.ok(took < 3000, `exited after ${took} ms`);
  const answer = await hung;
  assert.ok(answer.length > 0, "the pending client got an answer or a closed connection");
});
