/** README's API reference names every field of the MCPServer and MCPPool types. */
import assert from "node:assert/strict";
import { mcpPoolSpecSchema, mcpPoolStatusSchema } from "../lib/api/mcp_pool.ts";
import { mcpServerSpecSchema, mcpServerStatusSchema } from "../lib/api/mcp_server.ts";
import { declaredStatusSchema } from "../lib/api/declared_fields.ts";
import { mcpPromptSpecSchema } from "../lib/api/mcp_prompt.ts";
import { mcpResourceSpecSchema } from "../lib/api/mcp_resource.ts";
import { mcpToolSpecSchema } from "../lib/api/mcp_tool.ts";
import type { Schema } from "../lib/api/schema.ts";

const readme = await Deno.readTextFile(new URL("../README.md", import.meta.url));

/** The README section between `### <kind>` and the next heading of the same or higher level. */
function section(kind: string): string {
  const start = readme.indexOf(`### ${kind}`);
  assert.ok(start >= 0, `README has a "### ${kind}" reference section`);
  const rest = readme.slice(start + 4);
  const end = rest.search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end);
}

/** Field rows mention `prefix.field` (alone, or grouped as `prefix.a/b/c` or `prefix.a`, `b`). */
function missing(text: string, prefix: string, schema: Schema<unknown>, tag = ""): string[] {
  const rows = text.split("\n").filter((l) =>
    l.startsWith("|") && l.includes(`${prefix}.`) && l.includes(tag)
  );
  return Object.keys(schema.openapi.properties ?? {}).filter((field) =>
    !rows.some((row) => new RegExp(`[./\`, ]${field}\\b`).test(row.split("|")[1] ?? ""))
  );
}

Deno.test("README's MCPServer and MCPPool reference lists every spec and status field", () => {
  const server = section("MCPServer");
  const pool = section("MCPPool");
  assert.deepEqual(missing(server, "spec", mcpServerSpecSchema), [], "MCPServer spec fields");
  assert.deepEqual(missing(server, "status", mcpServerStatusSchema), [], "MCPServer status fields");
  assert.deepEqual(missing(pool, "spec", mcpPoolSpecSchema), [], "MCPPool spec fields");
  assert.deepEqual(missing(pool, "status", mcpPoolStatusSchema), [], "MCPPool status fields");
});

Deno.test("README's declared kinds reference lists every spec and status field", () => {
  const text = section("MCPTool");
  assert.deepEqual(missing(text, "spec", mcpToolSpecSchema, "tool "), [], "MCPTool spec");
  assert.deepEqual(missing(text, "spec", mcpPromptSpecSchema, "prompt "), [], "MCPPrompt spec");
  assert.deepEqual(missing(text, "spec", mcpResourceSpecSchema, "resource "), [], "resource spec");
  assert.deepEqual(missing(text, "status", declaredStatusSchema), [], "status fields");
});
