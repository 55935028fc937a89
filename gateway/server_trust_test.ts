import assert from "node:assert/strict";
import { encodeCaller } from "../lib/caller.ts";
import { ACCEPT, BASE, FAKE_TOOLS, INIT, peer, post, start } from "./_testing.ts";
import { compileToolPolicy } from "../lib/tool_policy/mod.ts";
import type { ToolPolicy } from "../lib/tool_policy/mod.ts";

const TOKEN = "s3cret";
const REMOTE = peer("10.0.0.7");
const LOOPBACK = peer("127.0.0.1");
const auth = { authorization: `Bearer ${TOKEN}` };

function policy(spec: unknown): ToolPolicy {
  const c = compileToolPolicy(spec);
  if (!c.ok) throw new Error(c.errors.join("; "));
  return c.policy;
}

const get = (path: string, headers: Record<string, string> = {}) =>
  new Request(`http://localhost${path}`, { headers: { host: "localhost", ...headers } });

async function status(res: Promise<Response>): Promise<number> {
  const r = await res;
  await r.body?.cancel();
  return r.status;
}

Deno.test("handler: the token is needed from every peer but the pod's own loopback", async () => {
  const { gw } = await start({ token: TOKEN });
  const message = new Request("http://localhost/message?sessionId=x", {
    method: "POST",
    headers: { host: "localhost", "content-type": "application/json" },
    body: "{}",
  });
  for (const req of [post(INIT), get("/sse"), message, get("/activity"), get("/metrics")]) {
    const res = await gw.handler(req.clone(), REMOTE);
    assert.equal(res.status, 401, req.url);
    assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer realm=/);
    await res.body?.cancel();
    assert.equal(await status(gw.handler(req.clone())), 401, `${req.url} without peer info`);
  }
  assert.equal(await status(gw.handler(get("/healthz"), REMOTE)), 200);
  assert.equal(await status(gw.handler(get("/readyz"), REMOTE)), 200);
  for (const h of ["127.0.0.1", "::1", "::ffff:127.0.0.1"]) {
    assert.equal(await status(gw.handler(post(INIT), peer(h))), 200, h);
  }
  assert.equal(await status(gw.handler(get("/activity"), LOOPBACK)), 200);
  assert.equal(await status(gw.handler(get("/metrics"), LOOPBACK)), 200);
  assert.equal(await status(gw.handler(post(INIT, auth), REMOTE)), 200);
  assert.equal(await status(gw.handler(get("/activity", auth), REMOTE)), 200);
  assert.equal(await status(gw.handler(post(INIT, { authorization: "Bearer x" }), REMOTE)), 401);
  assert.equal(gw.activity().openSessions, 4);
  await gw.close();
});

Deno.test("handler: loopbackRequiresToken refuses loopback peers without the token", async () => {
  const { gw } = await start({ token: TOKEN, loopbackRequiresToken: true });
  assert.equal(await status(gw.handler(post(INIT), LOOPBACK)), 401);
  assert.equal(await status(gw.handler(get("/activity"), peer("::1"))), 401);
  assert.equal(await status(gw.handler(post(INIT, auth), LOOPBACK)), 200);
  await gw.close();
});

/** Opens a session with `headers` from `from`; returns a caller of JSON-RPC requests in it. */
async function session(
  handler: (r: Request, i?: { remoteAddr: { hostname: string } }) => Promise<Response>,
  headers: Record<string, string>,
  from: { remoteAddr: { hostname: string } },
) {
  const init = await handler(post(INIT, headers), from);
  assert.equal(init.status, 200);
  await init.body?.cancel();
  const sid = init.headers.get("mcp-session-id")!;
  return async (id: number, method: string, params?: unknown) => {
    const res = await handler(
      post({ jsonrpc: "2.0", id, method, params }, { ...headers, "mcp-session-id": sid }),
      from,
    );
    return await res.json();
  };
}

const call = (name: string, args: unknown = {}) => ({ name, arguments: args });

Deno.test("handler: the caller header is trusted only next to the token", async () => {
  const toolPolicy = policy({
    rules: [{ expression: 'caller.username == "alice" && "dev" in caller.groups' }],
  });
  const { gw, fake } = await start({ token: TOKEN, toolPolicy });
  const alice = {
    "x-nmcp-caller": encodeCaller({ username: "alice", groups: ["dev"], source: "kubernetes" }),
  };
  const forged = await session(gw.handler, alice, LOOPBACK); // loopback, no token: local caller
  const refused = await forged(1, "tools/call", call("echo"));
  assert.equal(refused.error.code, -32602);
  assert.match(
    refused.error.message,
    /^Tool "echo" is not allowed by the server's tool policy \(rules\[0\]/,
  );
  const routed = await session(gw.handler, { ...alice, ...auth }, REMOTE);
  assert.deepEqual((await routed(1, "tools/call", call("echo", { a: 1 }))).result.content, [
    { type: "text", text: '{"a":1}' },
  ]);
  const bob = {
    "x-nmcp-caller": encodeCaller({ username: "bob", groups: ["dev"], source: "kubernetes" }),
  };
  const other = await session(gw.handler, { ...bob, ...auth }, REMOTE);
  assert.equal((await other(2, "tools/call", call("echo"))).error.code, -32602);
  const calls = fake.received.filter((m) => m.method === "tools/call");
  assert.equal(calls.length, 1, "refused calls never reach the upstream");
  await gw.close();
});

Deno.test("handler: Streamable HTTP hides listed tools and refuses their calls upstream-free", async () => {
  const toolPolicy = policy({
    deny: ["get-*"],
    rules: [{ expression: 'tool.name != "delete"', message: "no deletes" }],
  });
  const { gw, fake } = await start({ toolPolicy });
  const rpc = await session(gw.handler, {}, LOOPBACK);
  const list = await rpc(1, "tools/list");
  assert.deepEqual(list.result.tools.map((t: { name: string }) => t.name), ["echo"]);
  const env = await rpc(2, "tools/call", call("get-env"));
  assert.deepEqual(env.error, {
    code: -32602,
    message: `Tool "get-env" is not allowed by the server's tool policy (deny: "get-*")`,
  });
  const del = await rpc(3, "tools/call", call("delete"));
  assert.match(del.error.message, /\(rules\[0\]: no deletes\)$/);
  assert.ok((await rpc(4, "tools/call", call("echo"))).result);
  assert.deepEqual(
    fake.received.filter((m) => m.method === "tools/call").map((m) => m.params?.name),
    ["echo"],
  );
  await gw.close();
});

Deno.test("handler: legacy SSE applies the tool policy to lists and calls", async () => {
  const { gw, fake } = await start({ toolPolicy: policy({ allow: ["echo", "delete"] }) });
  const res = await gw.handler(get("/sse"), LOOPBACK);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const next = async (pattern: RegExp) => {
    for (let i = 0; i < 20 && !pattern.test(text); i++) text += (await reader.read()).value ?? "";
    return pattern.exec(text)?.[1] ?? "";
  };
  const endpoint = await next(/data: (\/message\S+)/);
  const send = (body: unknown) =>
    status(gw.handler(
      new Request(`http://localhost${endpoint}`, {
        method: "POST",
        headers: { host: "localhost", "content-type": "application/json" },
        body: JSON.stringify(body),
      }),
      LOOPBACK,
    ));
  assert.equal(await send({ jsonrpc: "2.0", id: 1, method: "tools/list" }), 202);
  const listed = JSON.parse(await next(/data: (\{"jsonrpc":"2.0","id":1,.*)\n/));
  assert.deepEqual(listed.result.tools.map((t: { name: string }) => t.name), ["echo", "delete"]);
  assert.equal(
    await send({ jsonrpc: "2.0", id: 2, method: "tools/call", params: call("get-env") }),
    202,
  );
  const refused = JSON.parse(await next(/data: (\{"jsonrpc":"2.0","id":2,.*)\n/));
  assert.match(refused.error.message, /\(allow: "echo", "delete"\)$/);
  assert.equal(fake.received.filter((m) => m.method === "tools/call").length, 0);
  await reader.cancel();
  await gw.close();
});

Deno.test("handler: stateless 2026-07-28 requests apply the tool policy", async () => {
  const toolPolicy = policy({ deny: ["delete"] });
  const { gw, fake } = await start({ toolPolicy });
  const meta = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": {},
  };
  const ask = async (
    id: number,
    method: string,
    params: Record<string, unknown>,
    name?: string,
  ) => {
    const h: Record<string, string> = {
      "mcp-protocol-version": "2026-07-28",
      "mcp-method": method,
    };
    if (name) h["mcp-name"] = name;
    const res = await gw.handler(
      post({ jsonrpc: "2.0", id, method, params: { ...params, _meta: meta } }, h),
      LOOPBACK,
    );
    return await res.json();
  };
  const list = await ask(1, "tools/list", {});
  assert.deepEqual(list.result.tools.map((t: { name: string }) => t.name), ["echo", "get-env"]);
  assert.equal(list.result.resultType, "complete");
  const del = await ask(2, "tools/call", call("delete"), "delete");
  assert.equal(del.error.code, -32602);
  assert.match(del.error.message, /\(deny: "delete"\)$/);
  assert.ok((await ask(3, "tools/call", call("echo"), "echo")).result);
  assert.deepEqual(
    fake.received.filter((m) => m.method === "tools/call").map((m) => m.params?.name),
    ["echo"],
  );
  await gw.close();
});

Deno.test("handler: without a policy, lists pass through unchanged", async () => {
  const { gw } = await start();
  const rpc = await session(gw.handler, {}, LOOPBACK);
  const list = await rpc(1, "tools/list");
  assert.equal(list.result.tools.length, 3);
  assert.equal(
    (await gw.handler(
      new Request(BASE, { method: "POST", headers: { host: "localhost", accept: ACCEPT } }),
    )).status,
    415,
  );
  await gw.close();
});

Deno.test("handler: a duplicate tools/list id cannot unfilter the first one's answer", async () => {
  const { gw, fake } = await start({ toolPolicy: policy({ deny: ["get-*", "delete"] }) });
  const init = await gw.handler(post(INIT), LOOPBACK);
  await init.body?.cancel();
  const sid = init.headers.get("mcp-session-id")!;
  fake.holdLists = true;
  const list = { jsonrpc: "2.0", id: 5, method: "tools/list" };
  const first = gw.handler(post(list, { "mcp-session-id": sid }), LOOPBACK);
  for (let i = 0; i < 100 && fake.held.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 5));
  }
  const dup = await gw.handler(post(list, { "mcp-session-id": sid }), LOOPBACK);
  assert.equal(dup.status, 400);
  await dup.body?.cancel();
  fake.events?.message({ jsonrpc: "2.0", id: fake.held[0].id, result: { tools: FAKE_TOOLS } });
  const tools = (await (await first).json()).result.tools;
  assert.deepEqual(tools.map((t: { name: string }) => t.name), ["echo"]);
  await gw.close();
});
