import assert from "node:assert/strict";
import { BASE, post, start } from "./_testing.ts";

/** A stateless call to tool "ask" held by the fake upstream; `caps`: the client's capabilities. */
async function heldCall(caps: Record<string, unknown>, signal?: AbortSignal) {
  const { gw, fake } = await start();
  const meta = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": caps,
  };
  const h = { "mcp-protocol-version": "2026-07-28", "mcp-method": "tools/call", "mcp-name": "ask" };
  fake.hold = true;
  const req = post({
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "ask", arguments: {}, _meta: meta },
  }, h);
  const first = gw.handler(signal ? new Request(req, { signal }) : req);
  await new Promise((r) => setTimeout(r, 10));
  return { gw, fake, meta, h, first };
}

Deno.test("handler: stateless 2026-07-28 discover and call without a session", async () => {
  const { gw, fake } = await start();
  const meta = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
  };
  const h = { "mcp-protocol-version": "2026-07-28" };
  const discover = await gw.handler(post(
    { jsonrpc: "2.0", id: "d", method: "server/discover", params: { _meta: meta } },
    { ...h, "mcp-method": "server/discover" },
  ));
  const d = await discover.json();
  assert.equal(d.result.resultType, "complete");
  assert.equal(d.result._meta["io.modelcontextprotocol/serverInfo"].name, "fake");
  const call = {
    jsonrpc: "2.0",
    id: 3,
    method: "tools/call",
    params: { name: "echo", arguments: { x: 2 }, _meta: meta },
  };
  const res = await gw.handler(
    post(call, { ...h, "mcp-method": "tools/call", "mcp-name": "echo" }),
  );
  assert.equal(res.headers.get("mcp-session-id"), null);
  const r = await res.json();
  assert.deepEqual(r.result.content, [{ type: "text", text: '{"x":2}' }]);
  assert.equal(r.result.resultType, "complete");
  assert.equal(r.result._meta["io.modelcontextprotocol/serverInfo"].name, "fake");
  assert.equal(fake.received.at(-1)?.params?._meta, undefined);
  const mismatch = await gw.handler(
    post(call, { ...h, "mcp-method": "tools/call", "mcp-name": "other" }),
  );
  assert.equal(mismatch.status, 400);
  assert.equal((await mismatch.json()).error.code, -32020);
  const get = await gw.handler(
    new Request(BASE, { headers: { host: "localhost", ...h, accept: "text/event-stream" } }),
  );
  assert.equal(get.status, 405);
  assert.equal(gw.activity().openSessions, 0);
  await gw.close();
});

Deno.test("handler: 2026-07-28 subscriptions/listen acknowledges and streams opted-in notifications", async () => {
  const { gw, fake } = await start();
  const meta = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
  };
  const notifications = {
    toolsListChanged: true,
    promptsListChanged: true,
    resourceSubscriptions: ["u"],
  };
  const res = await gw.handler(post(
    {
      jsonrpc: "2.0",
      id: "L",
      method: "subscriptions/listen",
      params: { notifications, _meta: meta },
    },
    { "mcp-protocol-version": "2026-07-28", "mcp-method": "subscriptions/listen" },
  ));
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const ack = JSON.parse(/data: (.*)/.exec((await reader.read()).value ?? "")![1]);
  assert.equal(ack.method, "notifications/subscriptions/acknowledged");
  assert.deepEqual(ack.params.notifications, {
    toolsListChanged: true,
    resourceSubscriptions: ["u"],
  });
  assert.equal(ack.params._meta["io.modelcontextprotocol/subscriptionId"], "L");
  assert.equal(gw.activity().currentConnections, 1, "an open listen stream is a connection");
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(fake.received.find((m) => m.method === "resources/subscribe")?.params?.uri, "u");
  for (const method of ["notifications/prompts/list_changed", "notifications/tools/list_changed"]) {
    fake.events?.message({ jsonrpc: "2.0", method });
  }
  fake.events?.message({
    jsonrpc: "2.0",
    method: "notifications/resources/updated",
    params: { uri: "u" },
  });
  let text = "";
  while (!text.includes("resources/updated")) text += (await reader.read()).value ?? "";
  assert.doesNotMatch(text, /prompts\/list_changed/);
  assert.match(
    text,
    /"method":"notifications\/tools\/list_changed","params":\{"_meta":\{"io.modelcontextprotocol\/subscriptionId":"L"\}\}/,
  );
  await reader.cancel();
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(fake.received.find((m) => m.method === "resources/unsubscribe")?.params?.uri, "u");
  assert.equal(gw.activity().currentConnections, 0);
  await gw.close();
});

Deno.test("handler: a server request during a stateless call becomes an InputRequiredResult (MRTR)", async () => {
  const { gw, fake, meta, h, first } = await heldCall({ sampling: {} });
  const sampling = { messages: [], maxTokens: 5 };
  fake.events?.message({
    jsonrpc: "2.0",
    id: 500,
    method: "sampling/createMessage",
    params: sampling,
  });
  const asked = await (await first).json();
  assert.equal(asked.id, 1);
  assert.equal(asked.result.resultType, "input_required");
  const [key, request] = Object.entries(asked.result.inputRequests)[0] as [
    string,
    { method: string },
  ];
  assert.equal(request.method, "sampling/createMessage");
  const answer = { role: "assistant", content: { type: "text", text: "hi" }, model: "m" };
  const retry = gw.handler(post({
    jsonrpc: "2.0",
    id: 2,
    method: "tools/call",
    params: {
      name: "ask",
      arguments: {},
      inputResponses: { [key]: answer },
      requestState: asked.result.requestState,
      _meta: meta,
    },
  }, h));
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(fake.received.find((m) => m.id === 500)?.result, answer);
  fake.events?.message({ jsonrpc: "2.0", id: fake.held[0].id, result: { content: [] } });
  const done = await (await retry).json();
  assert.equal(done.id, 2);
  assert.deepEqual(done.result.content, []);
  assert.equal(done.result.resultType, "complete");
  const stale = await gw.handler(post({
    jsonrpc: "2.0",
    id: 3,
    method: "tools/call",
    params: { name: "ask", requestState: asked.result.requestState, _meta: meta },
  }, h));
  assert.equal((await stale.json()).error.code, -32602);
  await gw.close();
});

Deno.test("handler: a stateless server request for an undeclared capability answers -32021 (400)", async () => {
  const { gw, fake, first } = await heldCall({ sampling: {} });
  const upstreamCall = fake.held[0].id;
  fake.events?.message({ jsonrpc: "2.0", id: 501, method: "roots/list", params: {} });
  const res = await first;
  assert.equal(res.status, 400);
  const body = await res.json();
  assert.equal(body.id, 1);
  assert.equal(body.error.code, -32021);
  assert.deepEqual(body.error.data, { requiredCapabilities: { roots: {} } });
  await new Promise((r) => setTimeout(r, 10));
  assert.equal(fake.received.find((m) => m.id === 501)?.error?.code, -32021, "refused upstream");
  const cancel = fake.received.find((m) => m.method === "notifications/cancelled");
  assert.equal(cancel?.params?.requestId, upstreamCall, "the upstream call is cancelled");
  await gw.close();
});

Deno.test("handler: an unprompted server request during a stateless call does not fail it (the flake)", async () => {
  // server-everything sends roots/list 350 ms after initialize, unprompted: when that lands while
  // a call without `roots` is the only one in flight, the call must still get its answer.
  const { gw, fake, first } = await heldCall({});
  fake.events?.message({ jsonrpc: "2.0", id: 601, method: "roots/list", params: {} });
  await new Promise((r) => setTimeout(r, 20));
  const held = fake.held[0];
  fake.events?.message({ jsonrpc: "2.0", id: held.id, result: { content: [] } });
  const res = await first;
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.error, undefined, JSON.stringify(body.error));
  assert.deepEqual(body.result.content, []);
  await new Promise((r) => setTimeout(r, 10));
  const refusal = fake.received.find((m) => m.id === 601);
  assert.equal(refusal?.error?.code, -32603, "the unprompted request is refused upstream");
  assert.match(refusal?.error?.message ?? "", /no client session caused it/);
  await gw.close();
});

Deno.test("handler: a stateless client leaving before its answer cancels the call upstream", async () => {
  const client = new AbortController();
  const { gw, fake, first } = await heldCall({}, client.signal);
  const upstreamId = fake.held[0].id;
  client.abort();
  const cancels = () => fake.received.filter((m) => m.method === "notifications/cancelled");
  const deadline = Date.now() + 2000;
  while (cancels().length === 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.deepEqual(cancels().map((m) => m.params?.requestId), [upstreamId]);
  await (await first).body?.cancel(); // the handler settles too
  await gw.close();
});
