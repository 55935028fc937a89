import assert from "node:assert/strict";
import { BASE, INIT, open, post, start } from "./_testing.ts";

Deno.test("handler: initialize, call, DELETE, then 404 for the ended session", async () => {
  const { gw } = await start();
  const sid = await open(gw.handler);
  const call = {
    jsonrpc: "2.0",
    id: 5,
    method: "tools/call",
    params: { name: "echo", arguments: { m: 1 } },
  };
  const res = await gw.handler(post(call, { "mcp-session-id": sid }));
  assert.equal(res.headers.get("content-type"), "application/json");
  assert.deepEqual(await res.json(), {
    jsonrpc: "2.0",
    id: 5,
    result: { content: [{ type: "text", text: '{"m":1}' }] },
  });
  const ping = await gw.handler(
    post({ jsonrpc: "2.0", id: "p", method: "ping" }, { "mcp-session-id": sid }),
  );
  assert.deepEqual(await ping.json(), { jsonrpc: "2.0", id: "p", result: {} });
  const note = await gw.handler(
    post({ jsonrpc: "2.0", method: "notifications/initialized" }, { "mcp-session-id": sid }),
  );
  assert.equal(note.status, 202);
  const del = await gw.handler(
    new Request(BASE, { method: "DELETE", headers: { host: "localhost", "mcp-session-id": sid } }),
  );
  assert.equal(del.status, 200);
  const after = await gw.handler(post(call, { "mcp-session-id": sid }));
  assert.equal(after.status, 404);
  await after.body?.cancel();
  await gw.close();
});

Deno.test("handler: protocol errors get spec statuses and JSON-RPC codes", async () => {
  const { gw } = await start({ maxBody: 200 });
  const sid = await open(gw.handler);
  const s = { "mcp-session-id": sid };
  const list = { jsonrpc: "2.0", id: 1, method: "tools/list" };
  const cases: [Request, number, number | null][] = [
    [post(list), 400, -32600], // missing session id
    [post(list, { "mcp-session-id": "nope" }), 404, -32600],
    [post(list, { ...s, accept: "text/html" }), 406, -32600],
    [post(list, { ...s, "content-type": "text/plain" }), 415, -32600],
    [post("{oops", s), 400, -32700],
    [post({ jsonrpc: "2.0", id: 1 }, s), 400, -32600],
    [post([list, list], s), 400, -32600], // batches are not allowed in 2025-06-18
    [post(list, { ...s, "mcp-protocol-version": "1999-01-01" }), 400, -32022],
    [post({ ...list, params: { pad: "x".repeat(300) } }, s), 413, -32600],
  ];
  for (const [req, status, code] of cases) {
    const res = await gw.handler(req);
    assert.equal(res.status, status, `${req.headers.get("accept")} ${status}`);
    const body = await res.json();
    assert.equal(body.error.code, code);
  }
  const put = await gw.handler(
    new Request(BASE, { method: "PUT", headers: { host: "localhost" } }),
  );
  assert.equal(put.status, 405);
  await gw.close();
});

Deno.test("handler: security checks answer 401, 403 before any session work", async () => {
  const { gw } = await start({ token: "s3cret", allowedOrigins: ["https://ok.example"] });
  const noToken = await gw.handler(post(INIT));
  assert.equal(noToken.status, 401);
  assert.ok(noToken.headers.get("www-authenticate"));
  await noToken.body?.cancel();
  const auth = { authorization: "Bearer s3cret" };
  const badOrigin = await gw.handler(post(INIT, { ...auth, origin: "https://evil.example" }));
  assert.equal(badOrigin.status, 403);
  await badOrigin.body?.cancel();
  const badHost = await gw.handler(post(INIT, { ...auth, host: "evil.example" }));
  assert.equal(badHost.status, 403);
  await badHost.body?.cancel();
  const ok = await gw.handler(post(INIT, { ...auth, origin: "https://ok.example" }));
  assert.equal(ok.status, 200);
  await ok.body?.cancel();
  await gw.close();
});

Deno.test("handler: max sessions gives 503 when every session is busy; activity counts sessions", async () => {
  const { gw, fake } = await start({ maxSessions: 1 });
  const sid = await open(gw.handler);
  fake.hold = true;
  const call = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "echo" } };
  const busy = gw.handler(post(call, { "mcp-session-id": sid }));
  const res = await gw.handler(post(INIT));
  assert.equal(res.status, 503);
  await res.body?.cancel();
  fake.events?.message({ jsonrpc: "2.0", id: fake.held[0].id, result: {} });
  await (await busy).body?.cancel();
  const a = gw.activity();
  assert.equal(a.openSessions, 1);
  assert.equal(a.upstream.state, "ready");
  assert.equal(a.serverInfo?.name, "fake");
  assert.ok(a.totalRequests >= 2 && a.lastRequestAt !== null);
  const metrics = await (await gw.handler(new Request("http://localhost/metrics"))).text();
  assert.match(metrics, /nmcp_gateway_open_sessions 1/);
  assert.match(
    metrics,
    /nmcp_gateway_http_requests_total\{method="POST",path="\/mcp",status="503"\} 1/,
  );
  const ready = await gw.handler(new Request("http://localhost/readyz"));
  assert.equal(ready.status, 200);
  await ready.body?.cancel();
  await gw.close();
});

Deno.test("handler: upstream death fails the pending request, ends sessions, readiness drops", async () => {
  const { gw, fake } = await start();
  const sid = await open(gw.handler);
  fake.hold = true;
  const call = { jsonrpc: "2.0", id: 9, method: "tools/call", params: { name: "echo" } };
  const pending = gw.handler(post(call, { "mcp-session-id": sid }));
  await new Promise((r) => setTimeout(r, 10));
  fake.die();
  const body = await (await pending).json();
  assert.equal(body.id, 9);
  assert.equal(body.error.code, -32000);
  const after = await gw.handler(post(call, { "mcp-session-id": sid }));
  assert.equal(after.status, 404);
  await after.body?.cancel();
  const ready = await gw.handler(new Request("http://localhost/readyz"));
  assert.equal(ready.status, 503);
  await ready.body?.cancel();
  await gw.close();
});

Deno.test("handler: a cut SSE response stream resumes with Last-Event-ID", async () => {
  const { gw, fake } = await start();
  const sid = await open(gw.handler);
  fake.hold = true;
  const call = {
    jsonrpc: "2.0",
    id: "c1",
    method: "tools/call",
    params: { name: "slow", _meta: { progressToken: "pt" } },
  };
  const pending = gw.handler(post(call, { "mcp-session-id": sid }));
  await new Promise((r) => setTimeout(r, 10));
  const up = fake.held[0];
  const token = (up.params?._meta as { progressToken: string }).progressToken;
  const progress = (n: number) =>
    fake.events?.message({
      jsonrpc: "2.0",
      method: "notifications/progress",
      params: { progressToken: token, progress: n },
    });
  progress(1);
  const res = await pending;
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const first = (await reader.read()).value ?? "";
  assert.match(first, /"progressToken":"pt","progress":1/);
  const eventId = /^id: (\S+)$/m.exec(first)?.[1];
  assert.ok(eventId);
  await reader.cancel(); // the client's connection drops
  progress(2);
  fake.events?.message({ jsonrpc: "2.0", id: up.id, result: { content: [] } });
  const resumed = await gw.handler(
    new Request(BASE, {
      headers: {
        host: "localhost",
        accept: "text/event-stream",
        "mcp-session-id": sid,
        "last-event-id": eventId,
      },
    }),
  );
  const text = await resumed.text();
  assert.doesNotMatch(text, /"progress":1/);
  assert.match(text, /"progress":2/);
  assert.match(text, /"id":"c1","result":\{"content":\[\]\}/);
  await gw.close();
});

Deno.test("handler: idle sessions expire and answer 404 afterwards", async () => {
  let now = 1_000_000;
  const { gw } = await start({ sessionIdleTimeoutMs: 200, now: () => now });
  const sid = await open(gw.handler);
  now += 1000;
  assert.ok(await waitUntil(() => gw.activity().openSessions === 0, 2000));
  const res = await gw.handler(
    post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { "mcp-session-id": sid }),
  );
  assert.equal(res.status, 404);
  await res.body?.cancel();
  await gw.close();
});

Deno.test("handler: a legacy SSE session ends when its stream closes", async () => {
  const { gw } = await start();
  const res = await gw.handler(
    new Request("http://localhost/sse", { headers: { host: "localhost" } }),
  );
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  const first = (await reader.read()).value ?? "";
  const endpoint = /event: endpoint\ndata: (\S+)/.exec(first)?.[1];
  assert.match(endpoint ?? "", /^\/message\?sessionId=\w+$/);
  const msg = (body: unknown) =>
    gw.handler(
      new Request(`http://localhost${endpoint}`, {
        method: "POST",
        headers: { host: "localhost", "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
    );
  const accepted = await msg(INIT);
  assert.equal(accepted.status, 202);
  await accepted.body?.cancel();
  const answer = (await reader.read()).value ?? "";
  assert.match(answer, /event: message\ndata: \{"jsonrpc":"2.0","id":0,"result":/);
  await reader.cancel();
  const gone = await msg({ jsonrpc: "2.0", id: 1, method: "tools/list" });
  assert.equal(gone.status, 404);
  await gone.body?.cancel();
  await gw.close();
});

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

Deno.test("handler: a 2025-03-26 session may batch; the answer is an array", async () => {
  const { gw } = await start();
  const init = await gw.handler(
    post({ ...INIT, params: { ...INIT.params, protocolVersion: "2025-03-26" } }),
  );
  assert.equal((await init.json()).result.protocolVersion, "2025-03-26");
  const sid = init.headers.get("mcp-session-id")!;
  const call = (id: number) => ({
    jsonrpc: "2.0",
    id,
    method: "tools/call",
    params: { arguments: { id } },
  });
  const res = await gw.handler(
    post([call(1), { jsonrpc: "2.0", method: "notifications/x" }, call(2)], {
      "mcp-session-id": sid,
    }),
  );
  const body = await res.json();
  assert.ok(Array.isArray(body));
  assert.deepEqual(body.map((m: { id: number }) => m.id).sort(), [1, 2]);
  await gw.close();
});

Deno.test("handler: a server request for a session without any stream is refused upstream", async () => {
  const { gw, fake } = await start();
  const sid = await open(gw.handler);
  fake.hold = true;
  const accept = "application/json"; // JSON only: no SSE for this POST, and no GET stream
  const pending = gw.handler(post({ jsonrpc: "2.0", id: 1, method: "tools/call", params: {} }, {
    "mcp-session-id": sid,
    accept,
  }));
  await new Promise((r) => setTimeout(r, 10));
  fake.events?.message({ jsonrpc: "2.0", id: 77, method: "sampling/createMessage", params: {} });
  const refusal = fake.received.find((m) => m.id === 77);
  assert.equal(refusal?.error?.code, -32603);
  fake.events?.message({ jsonrpc: "2.0", id: fake.held[0].id, result: { ok: true } });
  assert.deepEqual((await (await pending).json()).result, { ok: true });
  await gw.close();
});

Deno.test("handler: /activity counts client requests and streams, not probes or itself", async () => {
  const { gw, fake } = await start();
  const poll = async () =>
    await (await gw.handler(new Request("http://localhost/activity"))).json();
  assert.equal((await poll()).currentConnections, 0);
  const sid = await open(gw.handler);
  fake.hold = true;
  const call = { jsonrpc: "2.0", id: 5, method: "tools/call", params: { name: "echo" } };
  const pending = gw.handler(post(call, { "mcp-session-id": sid }));
  await new Promise((r) => setTimeout(r, 10));
  const during = await poll();
  assert.deepEqual([during.openSessions, during.currentConnections], [1, 1]);
  fake.events?.message({ jsonrpc: "2.0", id: fake.held[0].id, result: {} });
  await (await pending).body?.cancel();
  const after = await poll();
  assert.deepEqual([after.openSessions, after.currentConnections], [1, 0], "an idle session");
  await gw.close();
});
