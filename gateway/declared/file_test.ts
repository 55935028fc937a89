import assert from "node:assert/strict";
import { changedKinds, EMPTY, parseDeclared } from "./file.ts";

const TOOL = {
  name: "github-search",
  inputSchema: { type: "object", properties: { query: { type: "string" } }, required: ["query"] },
  http: { url: "http://search.team-a.svc.cluster.local:8080/search/{query}" },
};

Deno.test("parseDeclared() applies defaults: POST, 30 s, empty lists", () => {
  const out = parseDeclared(JSON.stringify({ version: 1, tools: [TOOL] }));
  assert.ok(out.ok);
  assert.deepEqual(out.value.tools[0].http, {
    url: TOOL.http.url,
    method: "POST",
    timeoutMs: 30000,
  });
  assert.deepEqual(out.value.prompts, []);
  assert.deepEqual(out.value.resources, []);
  assert.deepEqual(out.value.resourceTemplates, []);
});

Deno.test("parseDeclared() reads the contract's example", () => {
  const file = {
    version: 1,
    tools: [{ ...TOOL, description: "d", annotations: { readOnlyHint: true } }],
    prompts: [{
      name: "greet",
      template: "Hello {{name}}, you asked {{query}}",
      arguments: [{ name: "name", required: true }, { name: "query", default: "none" }],
    }],
    resources: [{ uri: "config://template", name: "template", mimeType: "text/plain", text: "t" }],
    resourceTemplates: [{
      uriTemplate: "items://{id}",
      name: "item",
      http: { url: "http://items/items/{id}", method: "get", timeoutMs: 10000 },
    }],
  };
  const out = parseDeclared(JSON.stringify(file));
  assert.ok(out.ok, out.ok ? "" : out.error);
  assert.equal(out.value.resourceTemplates[0].http.method, "GET");
  assert.deepEqual(out.value.prompts[0].arguments[1], { name: "query", default: "none" });
  assert.deepEqual(out.value.tools[0].annotations, { readOnlyHint: true });
});

Deno.test("parseDeclared() names the first bad field", () => {
  const cases: [unknown, string][] = [
    ["{", "not JSON"],
    [[], "the file must hold a JSON object"],
    [{ version: 2 }, "version must be 1"],
    [{ version: 1, tools: {} }, "tools must be an array"],
    [{ version: 1, tools: [{ ...TOOL, name: "" }] }, "tools[0].name must be a non-empty string"],
    [{ version: 1, tools: [TOOL, TOOL] }, 'tools[1] repeats "github-search"'],
    [{ version: 1, tools: [{ ...TOOL, http: { url: "ftp://x" } }] }, "tools[0].http.url must be"],
    [{ version: 1, tools: [{ ...TOOL, http: { url: "http://x", method: "HEAD" } }] }, "method"],
    [{ version: 1, tools: [{ ...TOOL, http: { url: "http://x", timeoutMs: 0 } }] }, "timeoutMs"],
    [{ version: 1, tools: [{ ...TOOL, inputSchema: [] }] }, "tools[0].inputSchema must be"],
    [{ version: 1, prompts: [{ name: "p", template: 1 }] }, "prompts[0].template must be"],
    [
      {
        version: 1,
        prompts: [{ name: "p", template: "x", arguments: [{ name: "a", required: 1 }] }],
      },
      "prompts[0].arguments[0].required must be a boolean",
    ],
    [{ version: 1, resources: [{ uri: "a://b", name: "n" }] }, "exactly one of text and blob"],
    [{ version: 1, resources: [{ uri: "a://b", name: "n", text: "", blob: "" }] }, "exactly one"],
    [{ version: 1, resources: [{ uri: "a://b", name: "n", blob: "%%" }] }, "blob must be base64"],
    [{ version: 1, resourceTemplates: [{ uriTemplate: "a://{x}", name: "n" }] }, "http must be"],
  ];
  for (const [value, why] of cases) {
    const out = parseDeclared(typeof value === "string" ? value : JSON.stringify(value));
    assert.ok(!out.ok, JSON.stringify(value));
    assert.ok(out.error.includes(why), `${out.error} does not say ${why}`);
  }
});

Deno.test("parseDeclared() unwraps a wrapped base64 blob and allows an empty template", () => {
  const out = parseDeclared(JSON.stringify({
    version: 1,
    prompts: [{ name: "p" }],
    resources: [{ uri: "a://b", name: "n", blob: "iVBO\nRw==\n" }],
  }));
  assert.ok(out.ok, out.ok ? "" : out.error);
  assert.equal(out.value.resources[0].blob, "iVBORw==");
  assert.equal(out.value.prompts[0].template, "");
});

Deno.test("changedKinds() names the lists that differ; templates count as resources", () => {
  const a = parseDeclared(JSON.stringify({ version: 1, tools: [TOOL] }));
  assert.ok(a.ok);
  assert.deepEqual(changedKinds(EMPTY, EMPTY), []);
  assert.deepEqual(changedKinds(EMPTY, a.value), ["tools"]);
  const t = {
    ...EMPTY,
    resourceTemplates: [{
      uriTemplate: "a://{x}",
      name: "n",
      http: { url: "http://a/{x}", method: "GET" as const, timeoutMs: 1 },
    }],
  };
  assert.deepEqual(changedKinds(a.value, t), ["tools", "resources"]);
});
