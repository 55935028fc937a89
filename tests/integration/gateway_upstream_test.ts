/** Upstream failure, FIFO sidecar mode and the stateless revision against server-everything. */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { childPids, EVERYTHING, isReady, startGateway, waitFor } from "./gateway_support.ts";

const ACCEPT = "application/json, text/event-stream";

Deno.test("gateway: upstream killed mid-request gives an error, then 404, then it restarts", async () => {
  const gw = await startGateway(["--stdio", "--", ...EVERYTHING]);
  try {
    const transport = new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`));
    const c = new Client({ name: "victim", version: "1" });
    await c.connect(transport);
    const sid = transport.sessionId!;
    const slow = c.callTool({
      name: "trigger-long-running-operation",
      arguments: { duration: 10, steps: 2 },
    });
    const failed = slow.then(() => null, (e: Error) => e);
    await new Promise((r) => setTimeout(r, 300));
    const [pid] = await childPids(gw.pid);
    assert.ok(pid, "the gateway runs the server as its child");
    const t0 = Date.now();
    Deno.kill(pid, "SIGKILL");
    const err = await failed;
    assert.ok(err instanceof Error, "the pending call fails");
    assert.ok(Date.now() - t0 < 3000, "at once, not at the tool's end");
    const res = await fetch(`${gw.url}/mcp`, {
      method: "POST",
      headers: { "content-type": "application/json", accept: ACCEPT, "mcp-session-id": sid },
      body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
    });
    assert.equal(res.status, 404);
    await res.body?.cancel();
    await c.close();
    assert.ok(await waitFor(() => isReady(gw.url), 10_000), "ready again after restart");
    const act = await (await fetch(`${gw.url}/activity`)).json();
    assert.equal(act.upstream.restarts, 1);
    const again = new Client({ name: "after", version: "1" });
    await again.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
    assert.ok((await again.listTools()).tools.length > 0);
    await again.close();
  } finally {
    await gw.stop();
  }
});

Deno.test("gateway: --fifo talks to a server started separately on DIR/in and DIR/out", async () => {
  const dir = await Deno.makeTempDir({ prefix: "nmcp-fifo-" });
  const gw = await startGateway(["--fifo", dir], false);
  const exists = (p: string) => Deno.lstat(p).then((s) => s.isFifo === true, () => false);
  const made = await waitFor(
    async () => await exists(`${dir}/in`) && await exists(`${dir}/out`),
    10_000,
  );
  assert.ok(made, "the gateway creates both FIFOs");
  const cmd = EVERYTHING.map((a) => `'${a}'`).join(" ");
  const runServer = () =>
    new Deno.Command("sh", {
      args: ["-c", `exec ${cmd} <${dir}/in >${dir}/out`],
      stdin: "null",
      stderr: "null",
    }).spawn();
  const echo = async (message: string) => {
    const c = new Client({ name: "fifo", version: "1" });
    await c.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
    const r = await c.callTool({ name: "echo", arguments: { message } });
    await c.close();
    return (r as { content: { text: string }[] }).content[0].text;
  };
  let server = runServer();
  try {
    assert.ok(await waitFor(() => isReady(gw.url), 15_000), "ready through the FIFOs");
    assert.equal(await echo("through fifo"), "Echo: through fifo");
    // The server container restarts: the gateway sees EOF and reopens the FIFOs.
    server.kill("SIGKILL");
    await server.status;
    assert.ok(
      await waitFor(async () => !(await isReady(gw.url)), 5_000),
      "not ready without server",
    );
    server = runServer();
    assert.ok(await waitFor(() => isReady(gw.url), 15_000), "ready again after reopening");
    assert.equal(await echo("again"), "Echo: again");
  } finally {
    try {
      server.kill("SIGKILL");
    } catch { /* already gone */ }
    await server.status;
    await gw.stop();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("gateway: stateless 2026-07-28 requests with raw fetch", async () => {
  const gw = await startGateway(["--stdio", "--", ...EVERYTHING]);
  const meta = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
  };
  const send = async (body: Record<string, unknown>, headers: Record<string, string>) => {
    const res = await fetch(`${gw.url}/mcp`, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        accept: ACCEPT,
        "mcp-protocol-version": "2026-07-28",
        ...headers,
      },
      body: JSON.stringify({ jsonrpc: "2.0", ...body }),
    });
    return {
      status: res.status,
      session: res.headers.get("mcp-session-id"),
      body: await res.json(),
    };
  };
  try {
    const d = await send(
      { id: 1, method: "server/discover", params: { _meta: meta } },
      { "mcp-method": "server/discover" },
    );
    assert.equal(d.status, 200);
    assert.equal(
      d.body.result._meta["io.modelcontextprotocol/serverInfo"].name,
      "mcp-servers/everything",
    );
    assert.ok(d.body.result.capabilities.tools);
    const list = await send({ id: 2, method: "tools/list", params: { _meta: meta } }, {
      "mcp-method": "tools/list",
    });
    assert.ok(list.body.result.tools.length > 0);
    assert.equal(list.body.result.resultType, "complete");
    assert.equal(list.session, null);
    const echo = await send(
      {
        id: "e",
        method: "tools/call",
        params: { name: "echo", arguments: { message: "sl" }, _meta: meta },
      },
      { "mcp-method": "tools/call", "mcp-name": "echo" },
    );
    assert.equal(echo.body.id, "e");
    assert.equal(echo.body.result.content[0].text, "Echo: sl");
    const bad = await send(
      { id: 3, method: "tools/call", params: { name: "echo", arguments: {}, _meta: meta } },
      { "mcp-method": "tools/list" },
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.body.error.code, -32020);
    // MRTR: the server's sampling request comes back as input_required; the retry answers it.
    const name = { "mcp-method": "tools/call", "mcp-name": "trigger-sampling-request" };
    const params = { name: "trigger-sampling-request", arguments: { prompt: "p", maxTokens: 5 } };
    // The request must declare sampling (per-request capabilities), else -32021 with HTTP 400.
    const sampler = { ...meta, "io.modelcontextprotocol/clientCapabilities": { sampling: {} } };
    const refused = await send(
      { id: 9, method: "tools/call", params: { ...params, _meta: meta } },
      name,
    );
    assert.equal(refused.status, 400);
    assert.equal(refused.body.error.code, -32021);
    assert.deepEqual(refused.body.error.data, { requiredCapabilities: { sampling: {} } });
    const asked = await send(
      { id: 10, method: "tools/call", params: { ...params, _meta: sampler } },
      name,
    );
    assert.equal(asked.body.result.resultType, "input_required");
    const [key] = Object.keys(asked.body.result.inputRequests);
    const answer = { role: "assistant", content: { type: "text", text: "sampled!" }, model: "m" };
    const done = await send({
      id: 11,
      method: "tools/call",
      params: {
        ...params,
        inputResponses: { [key]: answer },
        requestState: asked.body.result.requestState,
        _meta: sampler,
      },
    }, name);
    assert.equal(done.body.id, 11);
    assert.match(JSON.stringify(done.body.result), /sampled!/);
    const init = await send(
      { id: 4, method: "initialize", params: { _meta: meta } },
      { "mcp-method": "initialize" },
    );
    assert.equal(init.status, 404);
    assert.equal(init.body.error.code, -32601);
  } finally {
    await gw.stop();
  }
});
