/**
 * Declared MCP end to end on the harness: a backend pod (a small HTTP server) behind a Service,
 * MCPTools/MCPPrompt/MCPResources selected by a virtual MCPServer, and the SDK client through
 * the operator's router: tools (validation errors, path placeholders, HTTP 500 → isError),
 * prompts, resources and templates; a relabelled tool disappears with list_changed and no
 * restart of the gateway pod.
 */

import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { stringify } from "yaml";
import { anyTag } from "../harness/mod.ts";
import { startOperatorEnv, until } from "./operator_env.ts";

const deno = `'${Deno.execPath()}' eval --no-config`;
/** `backend`: POST /search/<q> echoes q and the body; GET /items/<id> answers JSON; /fail is a 500. */
const BACKEND = anyTag("test/backend", {
  executables: {
    backend: {
      script: `exec ${deno} 'Deno.serve({ hostname: "0.0.0.0", port: 8080, onListen() {} }, ` +
        `async (req) => { const u = new URL(req.url); ` +
        `if (u.pathname === "/fail") return new Response("boom", { status: 500 }); ` +
        `if (u.pathname.startsWith("/items/")) return Response.json({ id: ` +
        `decodeURIComponent(u.pathname.slice(7)) }); ` +
        `return Response.json({ query: decodeURIComponent(u.pathname.slice(8)), ` +
        `body: req.method === "POST" ? await req.json() : null }); })'`,
    },
  },
  entrypoint: ["backend"],
});

const NS = "default";
const labels = { "mcp-server": "main" };
const obj = (kind: string, name: string, spec: unknown, l: Record<string, string> = labels) => ({
  apiVersion: kind === "Service" || kind === "Pod" ? "v1" : "nmcp.nwrx.io/v1",
  kind,
  metadata: { name, namespace: NS, labels: l },
  spec,
});
const SERVICE = { name: "backend", port: 80 };

const OBJECTS = [
  obj("Pod", "backend", {
    containers: [{
      name: "backend",
      image: "test/backend:1",
      ports: [{ containerPort: 8080 }],
      readinessProbe: { tcpSocket: { port: 8080 }, periodSeconds: 1 },
    }],
  }, { app: "backend" }),
  obj("Service", "backend", {
    selector: { app: "backend" },
    ports: [{ port: 80, targetPort: 8080 }],
  }, {}),
  obj("MCPTool", "search", {
    description: "Search",
    inputSchema: {
      type: "object",
      properties: { query: { type: "string" }, limit: { type: "integer" } },
      required: ["query"],
    },
    service: { ...SERVICE, path: "/search/{query}" },
  }),
  obj("MCPTool", "broken", {
    inputSchema: { type: "object" },
    service: { ...SERVICE, path: "/fail" },
  }),
  obj("MCPPrompt", "greet", {
    template: "Hello {{name}}, you asked {{query}}",
    variables: [{ name: "name", required: true }, { name: "query", default: "none" }],
  }),
  obj("MCPResource", "template", {
    content: { uri: "config://template", mimeType: "text/plain", text: "replicas: 1" },
  }),
  obj("MCPResource", "items", {
    operations: [{
      uriTemplate: "items://{id}",
      mimeType: "application/json",
      service: { ...SERVICE, path: "/items/{id}" },
    }],
  }),
  obj("MCPServer", "main", { toolSelector: { matchLabels: labels } }, {}),
];

Deno.test({
  name: "declared tools, prompts and resources of a virtual server, through the router",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const e = await startOperatorEnv({ images: BACKEND });
    const client = new Client({ name: "declared-test", version: "1" });
    try {
      const op = await e.startOperator(["--no-leader-elect"]);
      await e.k(["apply", "-f", "-"], OBJECTS.map((o) => stringify(o)).join("---\n"));
      await e.k(["wait", "--for=condition=Ready", "pod/backend", "--timeout=30s"]);
      // All objects rendered before the first session (objects arrive in any order).
      await until("declared file complete", 20_000, async () => {
        const r = await e.kubectl(["get", "cm", "mcp-main-declared", "-o", "json"]);
        const f = r.code === 0 ? JSON.parse(JSON.parse(r.stdout).data["declared.json"]) : null;
        return f?.tools.length === 2 && f.resourceTemplates.length === 1 ? true : undefined;
      });
      const transport = new StreamableHTTPClientTransport(
        new URL(`${op.url}/servers/${NS}/main/mcp`),
        { requestInit: { headers: e.authHeaders } },
      );
      await client.connect(transport);
      assert.deepEqual(client.getServerVersion(), { name: "main", version: "declared" });

      const tools = await client.listTools();
      assert.deepEqual(tools.tools.map((t) => t.name).sort(), ["broken", "search"]);
      const hit = await client.callTool({
        name: "search",
        arguments: { query: "a b/c", limit: 3 },
      });
      assert.equal(hit.isError, undefined);
      assert.deepEqual(hit.structuredContent, { query: "a b/c", body: { limit: 3 } });
      const invalid = await client.callTool({ name: "search", arguments: { limit: "x" } });
      assert.equal(invalid.isError, true);
      assert.match(JSON.stringify(invalid.content), /query/);
      const failed = await client.callTool({ name: "broken", arguments: {} });
      assert.equal(failed.isError, true);
      assert.match(JSON.stringify(failed.content), /500/);

      const prompt = await client.getPrompt({ name: "greet", arguments: { name: "Ada" } });
      assert.match(JSON.stringify(prompt.messages), /Hello Ada, you asked none/);
      await assert.rejects(client.getPrompt({ name: "greet", arguments: {} }), /-32602/);

      const resources = await client.listResources();
      assert.deepEqual(resources.resources.map((r) => r.uri), ["config://template"]);
      const text = await client.readResource({ uri: "config://template" });
      assert.equal((text.contents[0] as { text: string }).text, "replicas: 1");
      const templates = await client.listResourceTemplates();
      assert.deepEqual(templates.resourceTemplates.map((t) => t.uriTemplate), ["items://{id}"]);
      const item = await client.readResource({ uri: "items://42" });
      assert.match(JSON.stringify(item.contents), /\\"id\\":\\"42\\"/);

      const pod = () => e.k(["get", "pods", "-l", "nmcp.nwrx.io/server=main", "-o", "name"]);
      const podBefore = await pod();
      let changed = 0;
      client.setNotificationHandler(ToolListChangedNotificationSchema, () => {
        changed++;
      });
      await e.k(["label", "mcptool", "broken", "mcp-server=other", "--overwrite"]);
      await until("tools/list_changed", 30_000, () => Promise.resolve(changed > 0 || undefined));
      const after = await client.listTools();
      assert.deepEqual(after.tools.map((t) => t.name), ["search"]);
      assert.equal(await pod(), podBefore, "the gateway pod was not replaced");
      await transport.terminateSession().catch(() => {});
    } finally {
      await client.close().catch(() => {});
      await e.close();
    }
  },
});
