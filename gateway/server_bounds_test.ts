/** Issue 13's gateway reproductions: every request is answered or refused, in bounded time. */
import assert from "node:assert/strict";
import { encodeCaller } from "../lib/caller.ts";
import { BASE, INIT, open, peer, post, start } from "./_testing.ts";
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

/**
 * A gateway with one session whose tools/call (`params`, with `headers`) the fake upstream
 * holds; `progress(n)` reports progress for it, `answer(result)` answers it.
 */
async function heldCall(
  params: Record<string, unknown>,
  headers: Record<string, string> = {},
  options: Parameters<typeof start>[0] = {},
) {
  const { gw, fake } = await start(options);
  const sid = await open(gw.handler);
  fake.hold = true;
  const call = { jsonrpc: "2.0", id: 1, method: "tools/call", params };
  const pending = gw.handler(post(call, { "mcp-session-id": sid, ...headers }));
  assert.ok(await until(() => fake.held.length === 1, 1000));
  const up = fake.held[0];
  const progress = (n: number) =>
    fake.events?.message({
      jsonrpc: "2.0",
      method: "notifications/progress",
      params: {
        progressToken: (up.params?._meta as { progressToken: string }).progressToken,
        progress: n,
      },
    });
  const answer = (result: unknown) => fake.events?.message({ jsonrpc: "2.0", id: up.id, result });
  return { gw, fake, sid, call, pending, progress, answer };
}

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
  const { gw, fake, sid, call, pending, answer } = await heldCall({ name: "echo" });
  const second = await gw.handler(post(call, { "mcp-session-id": sid }));
  assert.equal(second.status, 400);
  const err = await second.json();
  assert.equal(err.id, 1);
  assert.equal(err.error.code, -32600);
  assert.match(err.error.message, /in flight in this session/);
  answer({ content: [{ type: "text", text: "first" }] });
  assert.equal((await (await pending).json()).result.content[0].text, "first");
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
  const { gw, fake, pending, progress, answer } = await heldCall(
    { name: "slow", _meta: { progressToken: 9 } },
    { accept: "application/json" },
    { requestTimeoutMs: 150 },
  );
  for (let i = 0; i < 5; i++) {
    await sleep(80);
    progress(i);
  }
  answer({ content: [] });
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

const initFrom = async (
  gw: { handler: (r: Request, i?: ReturnType<typeof peer>) => Promise<Response> },
  from: ReturnType<typeof peer>,
  headers: Record<string, string> = {},
) => {
  const res = await gw.handler(post(INIT, headers), from);
  await res.body?.cancel();
  return { status: res.status, sid: res.headers.get("mcp-session-id") };
};

Deno.test("handler: an initialize flood evicts the flooder's own idle sessions, not everyone (issue 13)", async () => {
  const { gw } = await start({ maxSessions: 50, maxSessionsPerClient: 10 });
  const flooder = peer("10.0.0.66");
  const first = await initFrom(gw, flooder);
  for (let i = 0; i < 90; i++) assert.equal((await initFrom(gw, flooder)).status, 200);
  assert.equal(gw.activity().openSessions, 10, "one client holds at most its cap");
  const gone = await gw.handler(
    post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { "mcp-session-id": first.sid! }),
  );
  assert.equal(gone.status, 404, "its oldest idle session was evicted");
  await gone.body?.cancel();
  for (let p = 1; p <= 4; p++) {
    for (let i = 0; i < 10; i++) {
      assert.equal((await initFrom(gw, peer(`10.0.1.${p}`))).status, 200);
    }
  }
  assert.equal(gw.activity().openSessions, 50);
  const fresh = await initFrom(gw, peer("10.0.2.1"));
  assert.equal(fresh.status, 200, "a full table evicts the oldest idle session instead of 503");
  const list = await gw.handler(
    post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { "mcp-session-id": fresh.sid! }),
  );
  assert.equal((await list.json()).result.tools.length, 3);
  assert.equal(gw.activity().openSessions, 50);
  await gw.close();
});

Deno.test("handler: verified callers behind one router are counted one by one", async () => {
  const { gw } = await start({ token: "t", maxSessionsPerClient: 2 });
  const router = peer("10.0.0.9");
  const as = (username: string) => ({
    authorization: "Bearer t",
    "x-nmcp-caller": encodeCaller({ username, groups: [], source: "kubernetes" }),
  });
  const bob = await initFrom(gw, router, as("bob"));
  for (let i = 0; i < 5; i++) assert.equal((await initFrom(gw, router, as("alice"))).status, 200);
  assert.equal(gw.activity().openSessions, 3);
  const ping = await gw.handler(
    post({ jsonrpc: "2.0", id: 1, method: "ping" }, { ...as("bob"), "mcp-session-id": bob.sid! }),
    router,
  );
  assert.equal(ping.status, 200, "alice's sessions never evicted bob's");
  await ping.body?.cancel();
  await gw.close();
});

Deno.test("handler: a session never used after initialize expires after the short timeout", async () => {
  let now = 1_000_000;
  const { gw } = await start({ sessionUnusedTimeoutMs: 100, now: () => now });
  const unused = await open(gw.handler);
  const used = await open(gw.handler);
  const list = await gw.handler(
    post({ jsonrpc: "2.0", id: 1, method: "tools/list" }, { "mcp-session-id": used }),
  );
  await list.body?.cancel();
  now += 500;
  assert.ok(await until(() => gw.activity().openSessions === 1, 2000));
  const res = await gw.handler(
    post({ jsonrpc: "2.0", id: 2, method: "tools/list" }, { "mcp-session-id": unused }),
  );
  assert.equal(res.status, 404);
  await res.body?.cancel();
  await gw.close();
});

Deno.test("handler: a dripping body is cut off with 408 and is not a live connection meanwhile", async () => {
  const { gw } = await start({ bodyTimeoutMs: 200 });
  const sid = await open(gw.handler);
  let timer: ReturnType<typeof setInterval> | undefined;
  const body = new ReadableStream<Uint8Array>({
    start(c) {
      c.enqueue(new TextEncoder().encode('{"jsonrpc":"2.0",'));
      timer = setInterval(() => c.enqueue(new TextEncoder().encode(" ")), 20); // one byte at a time
    },
    cancel: () => clearInterval(timer),
  });
  const req = new Request(BASE, {
    method: "POST",
    headers: {
      host: "localhost",
      accept: "application/json, text/event-stream",
      "content-type": "application/json",
      "mcp-session-id": sid,
    },
    body,
    duplex: "half",
  } as RequestInit);
  const t0 = Date.now();
  const pending = gw.handler(req);
  await sleep(100);
  assert.equal(gw.activity().currentConnections, 0, "a body still arriving keeps nothing up");
  const res = await pending;
  const took = Date.now() - t0;
  clearInterval(timer);
  assert.equal(res.status, 408);
  assert.match(
    (await res.json()).error.message,
    /^Cannot read request body: not received in 0.2 s$/,
  );
  assert.ok(took >= 190 && took < 1500, `cut after ${took} ms`);
  await gw.close();
});

Deno.test("handler: drain waits for a streamed answer too, up to its timeout", async () => {
  const { gw, pending, progress, answer } = await heldCall({
    name: "slow",
    _meta: { progressToken: "p" },
  });
  progress(1);
  const res = await pending; // streamed: the handler returned, the request is still upstream
  assert.equal(res.headers.get("content-type"), "text/event-stream");
  let drained = false;
  const drain = gw.drain(5000).then(() => drained = true);
  await sleep(150);
  assert.equal(drained, false, "drain waits for the streamed request");
  answer({ content: [] });
  assert.match(await res.text(), /"id":1,"result":\{"content":\[\]\}/);
  await drain;
});
