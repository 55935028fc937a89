/** Tools of an MCP server as the plugin shows them, and `key=value` call arguments (pure). */

import type { Table } from "../output/table.ts";

/** The parts of an MCP `Tool` the plugin reads. */
export interface ToolInfo {
  name: string;
  description?: string;
  inputSchema?: {
    properties?: Record<string, { type?: string | string[] }>;
    required?: string[];
  };
}

/** The parts of a `CallToolResult` the plugin prints. */
export interface CallResult {
  content?: { type: string; text?: string; mimeType?: string; resource?: { uri?: string } }[];
  structuredContent?: unknown;
  isError?: boolean;
}

function firstLine(text: string | undefined, max = 80): string {
  const line = (text ?? "").trim().split("\n")[0];
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The NAME / REQUIRED / DESCRIPTION table of `tools`. */
export function toolsTable(tools: ToolInfo[]): Table {
  return {
    headers: ["NAME", "REQUIRED", "DESCRIPTION"],
    rows: tools.map((t) => [
      t.name,
      (t.inputSchema?.required ?? []).join(","),
      firstLine(t.description),
    ]),
  };
}

function typesOf(tool: ToolInfo, key: string): string[] {
  const t = tool.inputSchema?.properties?.[key]?.type;
  return t === undefined ? [] : Array.isArray(t) ? t : [t];
}

function typedValue(tool: ToolInfo, key: string, raw: string): unknown {
  const types = typesOf(tool, key);
  if (types.length === 0 || types.includes("string")) return raw;
  if (types.includes("integer") || types.includes("number")) {
    const n = Number(raw);
    if (raw.trim() !== "" && Number.isFinite(n)) return n;
  }
  if (types.includes("boolean") && (raw === "true" || raw === "false")) return raw === "true";
  try {
    return JSON.parse(raw);
  } catch {
    throw new TypeError(
      `Cannot use argument ${key}="${raw}" for tool "${tool.name}": expected ${types.join(" or ")}`,
    );
  }
}

/**
 * Arguments of a call: `--json` first, then each `key=value` typed by the tool's input schema
 * (strings stay strings; numbers, booleans, objects and arrays are parsed). Throws when a
 * required argument is missing.
 */
export function toolArguments(
  tool: ToolInfo,
  pairs: string[],
  json?: string,
): Record<string, unknown> {
  let args: Record<string, unknown> = {};
  if (json !== undefined) {
    const parsed = (() => {
      try {
        return JSON.parse(json);
      } catch (err) {
        throw new TypeError(`Cannot use --json: ${(err as Error).message}`);
      }
    })();
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
      throw new TypeError("Cannot use --json: expected a JSON object");
    }
    args = parsed;
  }
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0) throw new TypeError(`Cannot use argument "${p}": expected key=value`);
    args[p.slice(0, i)] = typedValue(tool, p.slice(0, i), p.slice(i + 1));
  }
  const missing = (tool.inputSchema?.required ?? []).filter((k) => !(k in args));
  if (missing.length) {
    throw new TypeError(
      `Cannot call tool "${tool.name}": missing required argument ${missing.join(", ")}`,
    );
  }
  return args;
}

/** The text a call printed: text content as is, other content as one descriptive line. */
export function resultText(result: CallResult): string {
  const parts = (result.content ?? []).map((c) => {
    if (c.type === "text") return c.text ?? "";
    if (c.type === "resource") return `[resource ${c.resource?.uri ?? ""}]`;
    return `[${c.type}${c.mimeType ? ` ${c.mimeType}` : ""}]`;
  });
  if (parts.length === 0 && result.structuredContent !== undefined) {
    parts.push(JSON.stringify(result.structuredContent));
  }
  return parts.map((p) => (p.endsWith("\n") ? p : `${p}\n`)).join("");
}
