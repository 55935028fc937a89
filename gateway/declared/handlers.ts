/**
 * The MCP methods the declared objects answer: lists, `tools/call`, `prompts/get` and
 * `resources/read`, each a function of the current {@linkcode Declared} and the request.
 */
import { ErrorCode, type Json } from "../jsonrpc/message.ts";
import type { Declared, DeclaredTemplate, DeclaredTool } from "./file.ts";
import {
  base64Of,
  callHttp,
  describeFailure,
  type HttpAnswer,
  isJson,
  isText,
  textOf,
} from "./http_call.ts";
import { matchUriTemplate, renderTemplate } from "./placeholders.ts";
import { validate } from "./schema.ts";

/** A JSON-RPC result or error for one request. */
export type Answer = { result: Json } | { error: { code: number; message: string } };

/** MCP's "Resource not found" error code. */
export const RESOURCE_NOT_FOUND = -32002;

/** The methods {@linkcode answer} serves. */
export const DECLARED_METHODS = new Set([
  "tools/list",
  "tools/call",
  "prompts/list",
  "prompts/get",
  "resources/list",
  "resources/read",
  "resources/templates/list",
]);

const fail = (code: number, message: string): Answer => ({ error: { code, message } });

/** Copies the keys of `o` that are set, in `keys` order. */
function pick<T extends object>(o: T, keys: (keyof T)[]): Json {
  const out: Json = {};
  for (const k of keys) if (o[k] !== undefined) out[k as string] = o[k];
  return out;
}

/** The `tools/list` entries of the declared tools. */
export function toolEntries(d: Declared): Json[] {
  return d.tools.map((t) =>
    pick(t, ["name", "title", "description", "inputSchema", "outputSchema", "annotations"])
  );
}

/** The `prompts/list` entries of the declared prompts. */
export function promptEntries(d: Declared): Json[] {
  return d.prompts.map((p) => ({
    ...pick(p, ["name", "title", "description"]),
    arguments: p.arguments.map((a) => ({
      ...pick(a, ["name", "description"]),
      required: a.required === true,
    })),
  }));
}

/** The `resources/list` entries of the inline resources. */
export function resourceEntries(d: Declared): Json[] {
  return d.resources.map((r) => pick(r, ["uri", "name", "title", "description", "mimeType"]));
}

/** The `resources/templates/list` entries. */
export function templateEntries(d: Declared): Json[] {
  return d.resourceTemplates.map((t) =>
    pick(t, ["uriTemplate", "name", "title", "description", "mimeType"])
  );
}

/** A tool result that reports a failure to the model (`isError`), never a protocol error. */
function toolError(text: string): Answer {
  return { result: { content: [{ type: "text", text }], isError: true } };
}

/** The tool result of a backend answer: JSON becomes structuredContent plus its text. */
export function toolResultOf(name: string, a: HttpAnswer): Answer {
  const text = textOf(a);
  if (a.status >= 300) {
    const detail = text.length > 2048 ? `${text.slice(0, 2048)}…` : text;
    return toolError(
      `Cannot call tool "${name}": the backend answered HTTP ${a.status} ${a.statusText}` +
        (detail ? `: ${detail}` : ""),
    );
  }
  if (isJson(a.contentType)) {
    try {
      const value = JSON.parse(text);
      const result: Json = { content: [{ type: "text", text: JSON.stringify(value) }] };
      if (typeof value === "object" && value !== null && !Array.isArray(value)) {
        result.structuredContent = value;
      }
      return { result };
    } catch { /* not JSON after all: passed on as text */ }
  }
  return { result: { content: [{ type: "text", text }] } };
}

async function callTool(tool: DeclaredTool, args: Json, signal: AbortSignal): Promise<Answer> {
  const invalid = await validate(tool.inputSchema, args);
  if (invalid !== null) return toolError(`Invalid arguments for tool "${tool.name}": ${invalid}`);
  const out = await callHttp(tool.http, args, signal);
  if (!out.ok) return toolError(describeFailure(`call tool "${tool.name}"`, out.failure));
  return toolResultOf(tool.name, out.answer);
}

function getPrompt(d: Declared, params: Json): Answer {
  const name = params.name;
  const prompt = d.prompts.find((p) => p.name === name);
  if (!prompt) return fail(ErrorCode.InvalidParams, `Unknown prompt: ${String(name)}`);
  const given = (params.arguments ?? {}) as Record<string, unknown>;
  const values: Record<string, string> = {};
  for (const a of prompt.arguments) {
    const v = given[a.name] ?? a.default;
    if (v === undefined) {
      if (!a.required) continue;
      const why = `Cannot get prompt "${prompt.name}": missing required argument "${a.name}"`;
      return fail(ErrorCode.InvalidParams, why);
    }
    values[a.name] = String(v);
  }
  const text = renderTemplate(prompt.template, values);
  const result: Json = { messages: [{ role: "user", content: { type: "text", text } }] };
  if (prompt.description !== undefined) result.description = prompt.description;
  return { result };
}

/** The declared template a URI matches and its variables, if any. */
export function templateFor(
  d: Declared,
  uri: string,
): { template: DeclaredTemplate; vars: Record<string, string> } | null {
  for (const template of d.resourceTemplates) {
    const vars = matchUriTemplate(template.uriTemplate, uri);
    if (vars) return { template, vars };
  }
  return null;
}

async function readResource(d: Declared, uri: string, signal: AbortSignal): Promise<Answer> {
  const inline = d.resources.find((r) => r.uri === uri);
  if (inline) {
    const content = pick(inline, ["uri", "mimeType", "text", "blob"]);
    return { result: { contents: [content] } };
  }
  const found = templateFor(d, uri);
  if (!found) return fail(RESOURCE_NOT_FOUND, `Resource not found: ${uri}`);
  const out = await callHttp({ ...found.template.http, method: "GET" }, found.vars, signal);
  const what = `read resource "${uri}"`;
  if (!out.ok) return fail(ErrorCode.InternalError, describeFailure(what, out.failure));
  const a = out.answer;
  if (a.status === 404) return fail(RESOURCE_NOT_FOUND, `Resource not found: ${uri}`);
  if (a.status >= 300) {
    return fail(ErrorCode.InternalError, `Cannot ${what}: the backend answered HTTP ${a.status}`);
  }
  const mimeType = a.contentType || found.template.mimeType || "application/octet-stream";
  const content: Json = { uri, mimeType };
  if (isText(a.contentType)) content.text = textOf(a);
  else content.blob = base64Of(a);
  return { result: { contents: [content] } };
}

/** Answers one request of {@linkcode DECLARED_METHODS} from `d`; `signal` aborts a backend call. */
export async function answer(
  d: Declared,
  method: string,
  params: Json,
  signal: AbortSignal,
): Promise<Answer> {
  switch (method) {
    case "tools/list":
      return { result: { tools: toolEntries(d) } };
    case "prompts/list":
      return { result: { prompts: promptEntries(d) } };
    case "resources/list":
      return { result: { resources: resourceEntries(d) } };
    case "resources/templates/list":
      return { result: { resourceTemplates: templateEntries(d) } };
    case "prompts/get":
      return getPrompt(d, params);
    case "resources/read":
      return await readResource(d, String(params.uri ?? ""), signal);
    case "tools/call": {
      const tool = d.tools.find((t) => t.name === params.name);
      if (!tool) return fail(ErrorCode.InvalidParams, `Unknown tool: ${String(params.name)}`);
      const args = params.arguments ?? {};
      if (typeof args !== "object" || args === null || Array.isArray(args)) {
        return toolError(`Invalid arguments for tool "${tool.name}": arguments must be an object`);
      }
      return await callTool(tool, args as Json, signal);
    }
  }
  return fail(ErrorCode.MethodNotFound, `Method not found: ${method}`);
}
