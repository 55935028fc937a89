import assert from "node:assert/strict";
import type { Message } from "../jsonrpc/message.ts";
import { type Action, Router } from "./router.ts";

const req = (id: number | string, method: string, params?: Record<string, unknown>): Message => ({
  jsonrpc: "2.0",
  id,
  method,
  ...(params ? { params } : {}),
});

function up(actions: Action[]): Message[] {
  return actions.filter((a) => a.to === "upstream").map((a) => a.msg);
}

function twoSessions(): Router {
  const r = new Router();
  r.addSession("A");
  r.addSession("B");
  return r;
}

Deno.test("Router rewrites colliding client ids and restores them for the asking session only", () => {
  const r = twoSessions();
  const a = up(r.fromClient("A", req(1, "tools/call", { name: "echo" })))[0];
  const b = up(r.fromClient("B", req(1, "tools/call", { name: "echo" })))[0];
  assert.notEqual(a.id, b.id);
  const toB = r.fromUpstream({ jsonrpc: "2.0", id: b.id, result: { v: "b" } });
  assert.deepEqual(toB, [{
    to: "session",
    sid: "B",
    msg: { jsonrpc: "2.0", id: 1, result: { v: "b" } },
    related: 1,
  }]);
  const toA = r.fromUpstream({ jsonrpc: "2.0", id: a.id, result: { v: "a" } });
  assert.equal(toA.length, 1);
  assert.equal((toA[0] as { sid: string }).sid, "A");
  assert.deepEqual(r.fromUpstream({ jsonrpc: "2.0", id: a.id, result: {} }), []);
  assert.equal(r.pendingCount, 0);
});

Deno.test("Router maps progress tokens per session and back", () => {
  const r = twoSessions();
  const m = up(r.fromClient("A", req(7, "tools/call", { _meta: { progressToken: "t" } })))[0];
  up(r.fromClient("B", req(7, "tools/call", { _meta: { progressToken: "t" } })));
  const token = (m.params?._meta as { progressToken: string }).progressToken;
  assert.notEqual(token, "t");
  const out = r.fromUpstream({
    jsonrpc: "2.0",
    method: "notifications/progress",
    params: { progressToken: token, progress: 1 },
  });
  assert.equal(out.length, 1);
  assert.deepEqual(out[0], {
    to: "session",
    sid: "A",
    related: 7,
    msg: {
      jsonrpc: "2.0",
      method: "notifications/progress",
      params: { progressToken: "t", progress: 1 },
    },
  });
});

Deno.test("Router maps cancellations to the upstream id and swallows initialized", () => {
  const r = twoSessions();
  const m = up(r.fromClient("A", req("x", "tools/call")))[0];
  const cancel = r.fromClient("A", {
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId: "x" },
  });
  assert.equal(up(cancel)[0].params?.requestId, m.id);
  assert.deepEqual(
    r.fromClient("B", {
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: "x" },
    }),
    [],
  );
  assert.deepEqual(r.fromClient("A", { jsonrpc: "2.0", method: "notifications/initialized" }), []);
});

Deno.test("Router routes a server request to the single in-flight session, defers or refuses otherwise", () => {
  const r = twoSessions();
  const m = up(r.fromClient("A", req(1, "tools/call")))[0];
  const sampling = req(99, "sampling/createMessage", {});
  const out = r.fromUpstream(sampling);
  // Only guessed (no related id): the sink may wait to see whether the call needs it.
  assert.deepEqual(out, [{ to: "session", sid: "A", msg: sampling, related: 1, inferred: true }]);
  // The answer only counts from the session that got the request.
  assert.deepEqual(r.fromClient("B", { jsonrpc: "2.0", id: 99, result: {} }), []);
  assert.equal(up(r.fromClient("A", { jsonrpc: "2.0", id: 99, result: {} })).length, 1);
  up(r.fromClient("B", req(1, "tools/call")));
  const roots = req(100, "roots/list");
  assert.deepEqual(r.fromUpstream(roots), [{ to: "deferred", msg: roots }]);
  // With nothing in flight there is nobody to ask.
  const r2 = twoSessions();
  const refused = r2.fromUpstream(req(101, "roots/list"));
  assert.equal(refused.length, 1);
  assert.equal(refused[0].to, "upstream");
  assert.equal(refused[0].msg.id, 101);
  assert.ok(refused[0].msg.error);
  assert.ok(m.id !== undefined);
});

Deno.test("Router uses the progress token in a server request's _meta to find its session", () => {
  const r = twoSessions();
  const a = up(r.fromClient("A", req(1, "tools/call", { _meta: { progressToken: 5 } })))[0];
  up(r.fromClient("B", req(1, "tools/call")));
  const token = (a.params?._meta as { progressToken: string }).progressToken;
  const out = r.fromUpstream(req(3, "elicitation/create", { _meta: { progressToken: token } }));
  assert.equal(out[0].to, "session");
  assert.equal((out[0] as { sid: string }).sid, "A");
});

Deno.test("Router sends list_changed to all and resource updates only to subscribers", () => {
  const r = twoSessions();
  const changed = r.fromUpstream({ jsonrpc: "2.0", method: "notifications/tools/list_changed" });
  assert.deepEqual(changed.map((a) => (a as { sid: string }).sid).sort(), ["A", "B"]);
  const first = r.fromClient("A", req(1, "resources/subscribe", { uri: "u" }));
  assert.equal(up(first).length, 1);
  const second = r.fromClient("B", req(1, "resources/subscribe", { uri: "u" }));
  assert.deepEqual(second, [{
    to: "session",
    sid: "B",
    msg: { jsonrpc: "2.0", id: 1, result: {} },
    related: 1,
  }]);
  const upd = {
    jsonrpc: "2.0" as const,
    method: "notifications/resources/updated",
    params: { uri: "u" },
  };
  assert.equal(r.fromUpstream(upd).length, 2);
  assert.equal(r.fromClient("A", req(2, "resources/unsubscribe", { uri: "u" }))[0].to, "session");
  assert.deepEqual(r.fromUpstream(upd).map((a) => (a as { sid: string }).sid), ["B"]);
  // The last subscriber leaving unsubscribes upstream.
  const gone = r.removeSession("B");
  assert.equal(up(gone).find((m) => m.method === "resources/unsubscribe")?.params?.uri, "u");
});

Deno.test("Router forwards the most verbose log level and filters log messages per session", () => {
  const r = twoSessions();
  const a = up(r.fromClient("A", req(1, "logging/setLevel", { level: "error" })))[0];
  assert.equal(a.params?.level, "error");
  const b = up(r.fromClient("B", req(1, "logging/setLevel", { level: "debug" })))[0];
  assert.equal(b.params?.level, "debug");
  const info = {
    jsonrpc: "2.0" as const,
    method: "notifications/message",
    params: { level: "info" },
  };
  assert.deepEqual(r.fromUpstream(info).map((x) => (x as { sid: string }).sid), ["B"]);
  const bad = r.fromClient("A", req(2, "logging/setLevel", { level: "loud" }));
  assert.equal(bad[0].msg.error?.code, -32602);
});

Deno.test("Router.removeSession cancels the session's upstream requests", () => {
  const r = twoSessions();
  const m = up(r.fromClient("A", req(1, "tools/call")))[0];
  const out = up(r.removeSession("A"));
  assert.deepEqual(out, [{
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId: m.id, reason: "Client session ended" },
  }]);
  assert.deepEqual(r.fromUpstream({ jsonrpc: "2.0", id: m.id, result: {} }), []);
});

Deno.test("Router.failAll answers every pending request with an error", () => {
  const r = twoSessions();
  up(r.fromClient("A", req(1, "tools/call")));
  up(r.fromClient("B", req("z", "tools/call")));
  const out = r.failAll("gone");
  assert.deepEqual(out.map((a) => [(a as { sid: string }).sid, a.msg.id, a.msg.error?.code]), [
    ["A", 1, -32000],
    ["B", "z", -32000],
  ]);
  assert.equal(r.pendingCount, 0);
});

Deno.test("Router answers ping locally", () => {
  const r = twoSessions();
  assert.deepEqual(r.fromClient("A", req(4, "ping")), [{
    to: "session",
    sid: "A",
    msg: { jsonrpc: "2.0", id: 4, result: {} },
    related: 4,
  }]);
});

Deno.test("Router defers a server request while several sessions may have caused it", () => {
  const r = twoSessions();
  const a = up(r.fromClient("A", req(1, "tools/call")))[0];
  up(r.fromClient("B", req(1, "tools/call")));
  up(r.fromClient("B", req(2, "tools/list")));
  const elicit = req(50, "elicitation/create", {});
  assert.deepEqual(r.fromUpstream(elicit), [{ to: "deferred", msg: elicit }]);
  // A's call ends: B is the only session whose call can ask back, so it gets the request.
  const out = r.fromUpstream({ jsonrpc: "2.0", id: a.id, result: {} });
  assert.deepEqual(out.map((x) => [x.to, (x as { sid?: string }).sid, x.msg.id]), [
    ["session", "A", 1],
    ["session", "B", 50],
  ]);
  assert.deepEqual(r.refuseDeferred(50), []);
});

Deno.test("Router.refuseDeferred refuses a request that stayed ambiguous", () => {
  const r = twoSessions();
  up(r.fromClient("A", req(1, "tools/call")));
  up(r.fromClient("B", req(1, "prompts/get")));
  r.fromUpstream(req(51, "sampling/createMessage", {}));
  const out = r.refuseDeferred(51);
  assert.equal(out.length, 1);
  assert.equal(out[0].to, "upstream");
  assert.equal(out[0].msg.error?.code, -32603);
});

Deno.test('Router keeps the ids 1 and "1" of one session apart, for answers and cancellations', () => {
  const r = twoSessions();
  const n = up(r.fromClient("A", req(1, "tools/call")))[0];
  const s = up(r.fromClient("A", req("1", "tools/call")))[0];
  const cancelled = r.fromClient("A", {
    jsonrpc: "2.0",
    method: "notifications/cancelled",
    params: { requestId: "1" },
  });
  assert.equal(up(cancelled)[0].params?.requestId, s.id);
  // The server need not answer a cancelled request: the router settles it for the client.
  const settled = cancelled.find((a) => a.to === "session") as { msg: Message };
  assert.equal(settled.msg.id, "1");
  assert.equal(settled.msg.error?.code, -32000);
  const back = r.fromUpstream({ jsonrpc: "2.0", id: n.id, result: {} });
  assert.equal((back[0] as { msg: Message }).msg.id, 1);
  assert.deepEqual(r.fromUpstream({ jsonrpc: "2.0", id: s.id, result: {} }), []);
});

Deno.test("Router refuses a second request with an id in flight; the first keeps its slot", () => {
  const r = twoSessions();
  const first = up(r.fromClient("A", req(5, "tools/call")))[0];
  const again = r.fromClient("A", req(5, "tools/list"));
  assert.equal(again.length, 1);
  assert.equal(again[0].to, "session");
  const err = (again[0] as { msg: Message }).msg;
  assert.equal(err.id, 5);
  assert.equal(err.error?.code, -32600);
  assert.match(err.error?.message ?? "", /^Cannot accept request id 5: .*in flight/);
  assert.equal(up(r.fromClient("B", req(5, "tools/list"))).length, 1, "other sessions may use 5");
  const back = r.fromUpstream({ jsonrpc: "2.0", id: first.id, result: { ok: 1 } });
  assert.deepEqual((back[0] as { msg: Message }).msg, { jsonrpc: "2.0", id: 5, result: { ok: 1 } });
  assert.equal(up(r.fromClient("A", req(5, "tools/list"))).length, 1, "free again once answered");
});

Deno.test("Router.expire() fails requests without answer or progress and cancels them upstream", () => {
  let now = 1000;
  const r = new Router({ now: () => now });
  r.addSession("A");
  const slow = up(r.fromClient("A", req(1, "tools/call", { _meta: { progressToken: "t" } })))[0];
  const hung = up(r.fromClient("A", req(2, "tools/call")))[0];
  now = 1500;
  const token = (slow.params?._meta as { progressToken: string }).progressToken;
  r.fromUpstream({
    jsonrpc: "2.0",
    method: "notifications/progress",
    params: { progressToken: token, progress: 1 },
  });
  now = 2100;
  const out = r.expire(now - 1000, "Request timed out");
  assert.deepEqual(out, [
    {
      to: "upstream",
      msg: {
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId: hung.id, reason: "Request timed out" },
      },
    },
    {
      to: "session",
      sid: "A",
      msg: { jsonrpc: "2.0", id: 2, error: { code: -32001, message: "Request timed out" } },
      related: 2,
    },
  ]);
  assert.equal(r.pendingCount, 1, "progress at 1500 kept the first alive");
  assert.equal(r.expire(2600, "Request timed out").length, 2);
  assert.equal(r.pendingCount, 0);
});

Deno.test("Router.cancel() forgets one request and tells the server", () => {
  const r = twoSessions();
  const a = up(r.fromClient("A", req("x", "tools/call")))[0];
  assert.deepEqual(r.cancel("A", "x", "Client went away"), [{
    to: "upstream",
    msg: {
      jsonrpc: "2.0",
      method: "notifications/cancelled",
      params: { requestId: a.id, reason: "Client went away" },
    },
  }]);
  assert.deepEqual(r.cancel("A", "x", "again"), []);
  assert.deepEqual(r.fromUpstream({ jsonrpc: "2.0", id: a.id, result: {} }), []);
});
