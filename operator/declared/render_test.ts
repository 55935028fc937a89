import assert from "node:assert/strict";
import type { MCPPrompt, MCPResource, MCPServer, MCPTool } from "../../lib/api/mod.ts";
import { renderDeclared, serviceUrl } from "./render.ts";

const server = (selector: MCPServer["spec"]["toolSelector"], ns = "team-a"): MCPServer => ({
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPServer",
  metadata: { name: "main", namespace: ns, uid: "u1" },
  spec: { toolSelector: selector },
});
const meta = (name: string, labels: Record<string, string> = { "mcp-server": "main" }) => ({
  name,
  namespace: "team-a",
  labels,
});
const tool = (name: string, spec: Partial<MCPTool["spec"]> = {}, labels?: Record<string, string>) =>
  ({
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPTool",
    metadata: meta(name, labels),
    spec: {
      inputSchema: {
        type: "object",
        properties: { query: { type: "string" } },
        required: ["query"],
      },
      service: { name: "search", port: 8080, path: "/search/{query}" },
      ...spec,
    },
  }) as MCPTool;
const prompt: MCPPrompt = {
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPPrompt",
  metadata: meta("greet"),
  spec: {
    description: "d",
    template: "Hello {{name}}, you asked {{query}}",
    variables: [{ name: "name", required: true }, { name: "query", default: "none" }],
  },
};
const inline: MCPResource = {
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPResource",
  metadata: meta("template"),
  spec: { content: { uri: "config://template", mimeType: "text/plain", text: "t" } },
};
const items: MCPResource = {
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPResource",
  metadata: meta("item"),
  spec: {
    description: "Items",
    operations: [{
      uriTemplate: "items://{id}",
      mimeType: "application/json",
      service: { name: "items", port: 80, path: "/items/{id}" },
    }],
  },
};
const MAIN = { matchLabels: { "mcp-server": "main" } };

Deno.test("renderDeclared() renders the contract's file for the selected objects", () => {
  const out = renderDeclared(server(MAIN), {
    tools: [tool("github-search", { description: "Search", timeout: "1m" })],
    prompts: [prompt],
    resources: [inline, items],
  });
  assert.deepEqual(out.conflicts, []);
  assert.deepEqual(out.file, {
    version: 1,
    tools: [{
      name: "github-search",
      description: "Search",
      inputSchema: {
        type: "object",
        properties: { query: { type: "string" } },
        required: ["query"],
      },
      http: {
        url: "http://search.team-a.svc.cluster.local:8080/search/{query}",
        method: "POST",
        timeoutMs: 60_000,
      },
    }],
    prompts: [{
      name: "greet",
      description: "d",
      template: "Hello {{name}}, you asked {{query}}",
      arguments: [{ name: "name", required: true }, {
        name: "query",
        required: false,
        default: "none",
      }],
    }],
    resources: [{ uri: "config://template", name: "template", mimeType: "text/plain", text: "t" }],
    resourceTemplates: [{
      uriTemplate: "items://{id}",
      name: "item",
      description: "Items",
      mimeType: "application/json",
      http: {
        url: "http://items.team-a.svc.cluster.local:80/items/{id}",
        method: "GET",
        timeoutMs: 10_000,
      },
    }],
  });
});

Deno.test("renderDeclared() keeps spec.name, method, defaults and optional schemas", () => {
  const t = tool("t1", {
    name: "lookup",
    method: "GET",
    outputSchema: { type: "object" },
    annotations: { readOnlyHint: true },
  });
  const [out] = renderDeclared(server(MAIN), { tools: [t], prompts: [], resources: [] }).file.tools;
  assert.equal(out.name, "lookup");
  assert.deepEqual(out.http, {
    url: "http://search.team-a.svc.cluster.local:8080/search/{query}",
    method: "GET",
    timeoutMs: 30_000,
  });
  assert.deepEqual(out.outputSchema, { type: "object" });
  assert.deepEqual(out.annotations, { readOnlyHint: true });
  t.spec.inputSchema.required!.push("changed");
  assert.deepEqual(
    out.inputSchema.required,
    ["query"],
    "the file does not share the spec's objects",
  );
});

Deno.test("renderDeclared() selects by labels in the server's namespace only", () => {
  const other = { ...tool("other"), metadata: { ...meta("other"), namespace: "team-b" } };
  const objects = {
    tools: [tool("b-tool"), tool("unlabelled", {}, {}), other, tool("a-tool")],
    prompts: [],
    resources: [],
  };
  const names = renderDeclared(server(MAIN), objects).file.tools.map((t) => t.name);
  assert.deepEqual(names, ["a-tool", "b-tool"], "sorted by object name");
  const none = renderDeclared(server({ matchLabels: { "mcp-server": "x" } }), objects);
  assert.deepEqual(none.file.tools, []);
});

Deno.test("renderDeclared() serves the first of clashing names and reports every clash", () => {
  const out = renderDeclared(server(MAIN), {
    tools: [tool("b", { name: "search" }), tool("a", { name: "search" }), tool("c")],
    prompts: [prompt, {
      ...prompt,
      metadata: meta("greet-2"),
      spec: { ...prompt.spec, name: "greet" },
    }],
    resources: [inline, { ...inline, metadata: meta("template-2") }],
  });
  assert.deepEqual(out.file.tools.map((t) => t.name), ["search", "c"]);
  assert.equal(out.file.prompts.length, 1);
  assert.equal(out.file.resources.length, 1);
  assert.deepEqual(out.conflicts, [
    'tool "search" is declared by MCPTool "a" and "b" (serving "a")',
    'prompt "greet" is declared by MCPPrompt "greet" and "greet-2" (serving "greet")',
    'resource "config://template" is declared by MCPResource "template" and "template-2" (serving "template")',
  ]);
});

Deno.test("serviceUrl() is the Service's cluster DNS name, port and path", () => {
  assert.equal(serviceUrl({ name: "s", port: 81 }, "ns"), "http://s.ns.svc.cluster.local:81/");
});
