import assert from "node:assert/strict";
import { type Declared, EMPTY } from "./file.ts";
import { answersLocally, mergeList, noNames, withDeclaredCapabilities } from "./merge.ts";

const HTTP = { url: "http://b/{x}", method: "GET" as const, timeoutMs: 1000 };
const D: Declared = {
  ...EMPTY,
  tools: [
    { name: "echo", inputSchema: { type: "object" }, http: HTTP },
    { name: "mine", inputSchema: { type: "object" }, http: HTTP },
  ],
  prompts: [{ name: "greet", template: "hi", arguments: [] }],
  resources: [{ uri: "config://t", name: "t", text: "x" }],
  resourceTemplates: [{ uriTemplate: "items://{id}", name: "item", http: HTTP }],
};
const call = (method: string, params: Record<string, unknown>) => ({
  jsonrpc: "2.0" as const,
  id: 1,
  method,
  params,
});

Deno.test("mergeList() appends declared items on the last page; the upstream's name wins", () => {
  const page = { tools: [{ name: "echo", description: "upstream" }] };
  const out = mergeList("tools/list", page, D, new Set());
  assert.deepEqual(out.tools, [
    { name: "echo", description: "upstream" },
    { name: "mine", inputSchema: { type: "object" } },
  ]);
  assert.deepEqual(mergeList("tools/list", { ...page, nextCursor: "2" }, D, new Set()), {
    ...page,
    nextCursor: "2",
  });
  const known = new Set(["mine"]); // listed by the upstream on an earlier page
  assert.deepEqual(mergeList("tools/list", { tools: [] }, D, known).tools, [
    { name: "echo", inputSchema: { type: "object" } },
  ]);
  assert.deepEqual(
    mergeList("resources/templates/list", { resourceTemplates: [] }, D, new Set()),
    { resourceTemplates: [{ uriTemplate: "items://{id}", name: "item" }] },
  );
});

Deno.test("answersLocally() takes declared names the upstream does not list", () => {
  const names = noNames();
  names["tools/list"].add("echo");
  const caps = { tools: {} };
  assert.equal(answersLocally(D, call("tools/call", { name: "mine" }), names, caps), true);
  assert.equal(answersLocally(D, call("tools/call", { name: "echo" }), names, caps), false);
  assert.equal(answersLocally(D, call("tools/call", { name: "other" }), names, caps), false);
  assert.equal(answersLocally(D, call("prompts/get", { name: "greet" }), names, caps), true);
  assert.equal(answersLocally(D, call("resources/read", { uri: "config://t" }), names, caps), true);
  assert.equal(answersLocally(D, call("resources/read", { uri: "items://7" }), names, caps), true);
  assert.equal(answersLocally(D, call("resources/read", { uri: "x://7" }), names, caps), false);
  names["resources/templates/list"].add("items://{id}");
  assert.equal(answersLocally(D, call("resources/read", { uri: "items://7" }), names, caps), false);
  // Lists go up when the upstream offers the kind, else they are answered here.
  assert.equal(answersLocally(D, call("tools/list", {}), names, caps), false);
  assert.equal(answersLocally(D, call("prompts/list", {}), names, caps), true);
  assert.equal(answersLocally(D, call("ping", {}), names, caps), false);
});

Deno.test("withDeclaredCapabilities() adds the three kinds with listChanged, keeping the rest", () => {
  assert.deepEqual(withDeclaredCapabilities({ tools: {}, resources: { subscribe: true } }), {
    tools: { listChanged: true },
    resources: { subscribe: true, listChanged: true },
    prompts: { listChanged: true },
  });
});
