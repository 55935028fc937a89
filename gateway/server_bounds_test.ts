/** Issue 13's gateway reproductions: every request is answered or refused, in bounded time. */
import assert from "node:assert/strict";
import { BASE, open, post, start } from "./_testing.ts";
import type { FakeUpstream } from "./_testing.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(check: () => boolean, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(10)) if (check()) return true;
  return check();
}

const cancelsOf = (fake: FakeUpstream) =>
  fake.received.filter((m) => m.method === "notifications/cancelled").map((m) =>
    m.params?.requestId
  );

Deno.test("handler: shapes MCP does not allow are refused before the server (issue 13)", async () => {
  const { gw, fake } = await start();
  const sid = await open(gw.handler);
  const before = fake.received.length;
  const cases: [string, number][] = [
    ['{"jsonrpc":"2.0","id":1,"method":"tools/list","params":[1]}', -32600],
    ['{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":true}}', -32602],
    ['{"jsonrpc":"2.0","id":1,"method":"tools/list","params":{"_meta":null}}', -32602], // was a 500
    ['{"jsonrpc":"2.0","id":1,"method":"tools/list","result":{}}', -32600],
    ['{"jsonrpc":"2.0","id":null,"method":"tools/list"}', -32600],
  ];
  for (const [body, code] of cases) {
    for (const headers of [{ "mcp-session-id": sid }, {}] as Record<string, string>[]) {
      const res = await gw.handler(post(body, headers));
      assert.equal(res.status, 400, body);
      assert.equal((await res.json()).error.code, code, body);
    }
  }
  assert.equal(fake.received.length, before, "nothing reached the server");
  assert.equal(gw.activity().currentConnections, 0);
  await gw.close();
});

Deno.test("handler: media types are parsed and Host per RFC 3986 (issue 13)", async () => {
  const { gw } = await start();
  const sid = await open(gw.handler);
  const list = { jsonrpc: "2.0", id: 1, method: "tools/list" };
  const html = await gw.handler(
    post(list, { "mcp-session-id": sid, "content-type": "text/html; x=application/json" }),
  );
  assert.equal(html.status, 415);
  await html.body?.cancel();
  const charset = await gw.handler(
    post(list, { "mcp-session-id": sid, "content-type": "application/json; charset=utf-8" }),
  );
  assert.equal(charset.status, 200);
  await charset.body?.cancel();
  const accept = await gw.handler(
    post(list, { "mcp-session-id": sid, accept: 'text/html; x="application/json"' }),
  );
  assert.equal(accept.status, 406);
  await accept.body?.cancel();
  const host = await gw.handler(post(list, { "mcp-session-id": sid, host: "[::1].evil.com" }));
  assert.equal(host.status, 400);
  assert.match(
    (await host.json()).error.message,
    /^Cannot accept Host "\[::1\]\.evil\.com": malformed$/,
  );
  await gw.close();
});

Deno.test("handler: a second request reusing an in-flight id is refused; the first is answered", async () => {
  const { gw, fake } = await start();
  const sid = await open(gw.handler);
  fake.hold = true;
  const call = {
    jsonrpc: "2.0",
    id: 7,
    method: "tools/call",
    params: { name: "echo", arguments: { n: 1 } },
  };
  const first = gw.handler(post(call, { "mcp-session-id": sid }));
  await until(() => fake.held.length === 1, 1000);
  const second = await gw.handler(
    post({ ...call, params: { name: "echo" } }, { "mcp-session-id": sid }),
  );
  assert.equal(second.status, 400);
  const err = await second.json();
  assert.equal(err.id, 7);
  assert.equal(err.error.code, -32600);
  assert.match(err.error.message, /in flight in this session/);
  const held = fake.held[0];
  fake.events?.message({
    jsonrpc: "2.0",
    id: held.id,
    result: { content: [{ type: "text", text: "first" }] },
  });
  assert.equal((await (await first).json()).result.content[0].text, "first");
  assert.equal(fake.received.filter((m) => m.method === "tools/call").length, 1);
  await gw.close();
});

Deno.test("handler: a request the server never answers fails with -32001 and is cancelled upstream", async () => {
  const { gw, fake } = await start({ requestTimeoutMs: 150 });
  const sid = await open(gw.handler);
  fake.hold = true;
  const t0 = Date.now();
  const res = await gw.handler(
    post({ jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "hang" } }, {
      "mcp-session-id": sid,
    }),
  );
  const body = await res.json();
  const took = Date.now() - t0;
  assert.equal(body.error.code, -32001);
  assert.match(body.error.message, /^Request timed out/);
  assert.ok(took >= 140 && took < 1000, `answered after ${took} ms`);
  assert.deepEqual(cancelsOf(fake), [fake.held[0].id]);
  assert.equal(gw.activity().currentConnections, 0);
  await gw.close();
});

Deno.test("handler: progress notifications extend the request timeout", async () => {
  const { gw, fake } = await start({ requestTimeoutMs: 150 });
  const sid = await open(gw.handler);
  fake.hold = true;
  const call = {
    jsonrpc: "2.0",
    id: 1,
    method: "tools/call",
    params: { name: "slow", _meta: { progressToken: 9 } },
  };
  const pending = gw.handler(post(call, { "mcp-session-id": sid, accept: "application/json" }));
  await until(() => fake.held.length === 1, 1000);
  const up = fake.held[0];
  const token = (up.params?._meta as { progressToken: string }).progressToken;
  for (let i = 0; i < 5; i++) {
    await sleep(80);
    fake.events?.message({
      jsonrpc: "2.0",
      method: "notifications/progress",
      params: { progressToken: token, progress: i },
    });
  }
  fake.events?.message({ jsonrpc: "2.0", id: up.id, result: { content: [] } });
  assert.deepEqual((await (await pending).json()).result, { content: [] });
  assert.deepEqual(cancelsOf(fake), []);
  await gw.close();
});

Deno.test("handler: a client that disconnects or DELETEs releases its pending requests upstream", async () => {
  const { gw, fake } = await start();
  const sid = await open(gw.handler);
  fake.hold = true;
  const call = { jsonrpc: "2.0", id: 3, method: "tools/call", params: { name: "hang" } };
  const abort = new AbortController();
  const gone = gw.handler(
    new Request(post(call, { "mcp-session-id": sid }), { signal: abort.signal }),
  );
  await until(() => fake.held.length === 1, 1000);
  assert.equal(gw.activity().currentConnections, 1);
  abort.abort();
  await gone;
  assert.deepEqual(cancelsOf(fake), [fake.held[0].id]);
  assert.equal(gw.activity().currentConnections, 0);
  // The id is free again; a DELETE releases this one.
  const again = gw.handler(post(call, { "mcp-session-id": sid }));
  await until(() => fake.held.length === 2, 1000);
  const del = await gw.handler(
    new Request(BASE, { method: "DELETE", headers: { host: "localhost", "mcp-session-id": sid } }),
  );
  assert.equal(del.status, 200);
  assert.equal((await (await again).json()).error.code, -32000);
  assert.deepEqual(cancelsOf(fake), [fake.held[0].id, fake.held[1].id]);
  await gw.close();
});
