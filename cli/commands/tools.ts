/** `kubectl nmcp tools NAME` and `kubectl nmcp call NAME TOOL key=value…`: check a server. */

import type { Context } from "../context.ts";
import type { McpSession } from "../mcp/client.ts";
import { openServer } from "../mcp/open.ts";
import { resultText, toolArguments, toolsTable } from "../mcp/tools_view.ts";
import { renderTable } from "../output/table.ts";

/** Options of `tools` and `call`. */
export interface ToolsOptions {
  timeout?: string;
  json?: string;
  output?: "json" | "yaml" | "name";
}

async function withServer<T>(
  ctx: Context,
  name: string,
  opts: ToolsOptions,
  fn: (s: McpSession) => Promise<T>,
): Promise<T> {
  const timeoutMs = Number(opts.timeout ?? "120") * 1000;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new TypeError(`Cannot use --timeout "${opts.timeout}": not a positive number`);
  }
  const progress = (line: string) => ctx.io.err(line);
  const open = await openServer(ctx, name, { timeoutMs, progress });
  try {
    const { withMcpClient } = await import("../mcp/client.ts");
    return await withMcpClient(open.url, fn);
  } finally {
    await open.close();
  }
}

async function printDoc(ctx: Context, doc: unknown, output: "json" | "yaml") {
  if (output === "json") return ctx.io.out(JSON.stringify(doc, null, 2) + "\n");
  const { toYaml } = await import("../output/yaml.ts");
  ctx.io.out(toYaml(doc));
}

async function listTools(ctx: Context, name: string, opts: ToolsOptions): Promise<number> {
  const tools = await withServer(ctx, name, opts, (s) => s.listTools());
  if (opts.output === "name") ctx.io.out(tools.map((t) => `${t.name}\n`).join(""));
  else if (opts.output) await printDoc(ctx, { tools }, opts.output);
  else ctx.io.out(renderTable(toolsTable(tools)));
  return 0;
}

async function callTool(ctx: Context, args: string[], opts: ToolsOptions): Promise<number> {
  const [name, tool, ...pairs] = args;
  if (!tool) throw new TypeError("Cannot call a tool: usage is kubectl nmcp call NAME TOOL");
  const result = await withServer(ctx, name, opts, async (s) => {
    const info = (await s.listTools()).find((t) => t.name === tool);
    if (!info) {
      throw new TypeError(`Cannot call tool "${tool}" of MCPServer "${name}": no such tool`);
    }
    return await s.callTool(tool, toolArguments(info, pairs, opts.json));
  });
  if (opts.output === "json" || opts.output === "yaml") await printDoc(ctx, result, opts.output);
  else (result.isError ? ctx.io.err : ctx.io.out)(resultText(result));
  return result.isError ? 1 : 0;
}

/** Runs `tools` or `call` (by `verb`). */
export async function run(
  verb: string,
  args: string[],
  opts: ToolsOptions,
  ctx: Context,
): Promise<number> {
  return verb === "call" ? await callTool(ctx, args, opts) : await listTools(ctx, args[0], opts);
}
