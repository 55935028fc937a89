/**
 * The declared-objects file (`declared.json`, see DECLARED_CONTRACT.md): its types, a pure
 * parser that validates it, and which of its parts changed between two versions.
 */
import type { Json } from "../jsonrpc/message.ts";

/** HTTP methods a declared tool or resource template may use. */
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
/** One of {@linkcode HTTP_METHODS}. */
export type HttpMethod = typeof HTTP_METHODS[number];

/** Where a declared tool call or template read goes. */
export interface HttpTarget {
  /** Complete URL with `{arg}` placeholders. */
  url: string;
  method: HttpMethod;
  timeoutMs: number;
}

/** A declared tool. */
export interface DeclaredTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: Json;
  outputSchema?: Json;
  annotations?: Json;
  http: HttpTarget;
}

/** One argument of a declared prompt. */
export interface PromptArgument {
  name: string;
  description?: string;
  required?: boolean;
  default?: string;
}

/** A declared prompt with a `{{variable}}` template. */
export interface DeclaredPrompt {
  name: string;
  title?: string;
  description?: string;
  template: string;
  arguments: PromptArgument[];
}

/** An inline resource (`text`, or base64 `blob`). */
export interface DeclaredResource {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  text?: string;
  blob?: string;
}

/** A resource template read over HTTP GET. */
export interface DeclaredTemplate {
  uriTemplate: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
  http: HttpTarget;
}

/** The whole file, with defaults applied. */
export interface Declared {
  version: 1;
  tools: DeclaredTool[];
  prompts: DeclaredPrompt[];
  resources: DeclaredResource[];
  resourceTemplates: DeclaredTemplate[];
}

/** The list kinds a change notification names (`notifications/<kind>/list_changed`). */
export type ListKind = "tools" | "prompts" | "resources";

/** A file with nothing declared. */
export const EMPTY: Declared = {
  version: 1,
  tools: [],
  prompts: [],
  resources: [],
  resourceTemplates: [],
};

/** Result of {@linkcode parseDeclared}. */
export type ParseResult = { ok: true; value: Declared } | { ok: false; error: string };

const isObject = (v: unknown): v is Json =>
  typeof v === "object" && v !== null && !Array.isArray(v);

class Invalid extends Error {}

function str(o: Json, key: string, where: string, required = false): string | undefined {
  const v = o[key];
  if (v === undefined && !required) return undefined;
  if (typeof v !== "string" || (required && v === "")) {
    throw new Invalid(`${where}.${key} must be a ${required ? "non-empty " : ""}string`);
  }
  return v;
}

function obj(o: Json, key: string, where: string, required = false): Json | undefined {
  const v = o[key];
  if (v === undefined && !required) return undefined;
  if (!isObject(v)) throw new Invalid(`${where}.${key} must be an object`);
  return v;
}

/** Copies the optional display fields that are present. */
function display(o: Json, where: string): { title?: string; description?: string } {
  const out: { title?: string; description?: string } = {};
  const title = str(o, "title", where), description = str(o, "description", where);
  if (title !== undefined) out.title = title;
  if (description !== undefined) out.description = description;
  return out;
}

function http(o: Json, where: string, defaults: { method: HttpMethod; timeoutMs: number }) {
  const h = obj(o, "http", where, true)!;
  const url = str(h, "url", `${where}.http`, true)!;
  if (!/^https?:\/\//.test(url)) throw new Invalid(`${where}.http.url must be an http(s) URL`);
  const method = (str(h, "method", `${where}.http`) ?? defaults.method).toUpperCase();
  if (!(HTTP_METHODS as readonly string[]).includes(method)) {
    throw new Invalid(`${where}.http.method must be one of ${HTTP_METHODS.join(", ")}`);
  }
  const t = h.timeoutMs ?? defaults.timeoutMs;
  if (typeof t !== "number" || !Number.isInteger(t) || t <= 0) {
    throw new Invalid(`${where}.http.timeoutMs must be a positive integer`);
  }
  return { url, method: method as HttpMethod, timeoutMs: t };
}

function tool(o: Json, where: string): DeclaredTool {
  const t: DeclaredTool = {
    name: str(o, "name", where, true)!,
    ...display(o, where),
    inputSchema: obj(o, "inputSchema", where) ?? { type: "object" },
    http: http(o, where, { method: "POST", timeoutMs: 30_000 }),
  };
  const output = obj(o, "outputSchema", where), annotations = obj(o, "annotations", where);
  if (output) t.outputSchema = output;
  if (annotations) t.annotations = annotations;
  return t;
}

function promptArgument(o: Json, where: string): PromptArgument {
  const a: PromptArgument = { name: str(o, "name", where, true)!, ...display(o, where) };
  if (o.required !== undefined) {
    if (typeof o.required !== "boolean") throw new Invalid(`${where}.required must be a boolean`);
    a.required = o.required;
  }
  const d = str(o, "default", where);
  if (d !== undefined) a.default = d;
  return a;
}

function prompt(o: Json, where: string): DeclaredPrompt {
  return {
    name: str(o, "name", where, true)!,
    ...display(o, where),
    template: str(o, "template", where) ?? "",
    arguments: items(o.arguments, `${where}.arguments`, promptArgument, (a) => a.name),
  };
}

function resource(o: Json, where: string): DeclaredResource {
  const r: DeclaredResource = {
    uri: str(o, "uri", where, true)!,
    name: str(o, "name", where, true)!,
    ...display(o, where),
  };
  const mimeType = str(o, "mimeType", where);
  if (mimeType !== undefined) r.mimeType = mimeType;
  const text = str(o, "text", where), blob = str(o, "blob", where);
  if ((text === undefined) === (blob === undefined)) {
    throw new Invalid(`${where} must have exactly one of text and blob`);
  }
  if (text !== undefined) r.text = text;
  if (blob !== undefined) {
    const bare = blob.replace(/\s+/g, ""); // wrapped base64 is served unwrapped
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(bare)) throw new Invalid(`${where}.blob must be base64`);
    r.blob = bare;
  }
  return r;
}

function template(o: Json, where: string): DeclaredTemplate {
  const t: DeclaredTemplate = {
    uriTemplate: str(o, "uriTemplate", where, true)!,
    name: str(o, "name", where, true)!,
    ...display(o, where),
    http: http(o, where, { method: "GET", timeoutMs: 30_000 }),
  };
  const mimeType = str(o, "mimeType", where);
  if (mimeType !== undefined) t.mimeType = mimeType;
  return t;
}

/** Parses each element of an optional array, refusing two with the same key. */
function items<T>(
  v: unknown,
  where: string,
  one: (o: Json, where: string) => T,
  key: (t: T) => string,
): T[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new Invalid(`${where} must be an array`);
  const seen = new Set<string>();
  return v.map((el, i) => {
    if (!isObject(el)) throw new Invalid(`${where}[${i}] must be an object`);
    const t = one(el, `${where}[${i}]`);
    if (seen.has(key(t))) throw new Invalid(`${where}[${i}] repeats "${key(t)}"`);
    seen.add(key(t));
    return t;
  });
}

/** Parses and validates the file's text; the error names the first bad field. */
export function parseDeclared(text: string): ParseResult {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, error: `not JSON: ${(err as Error).message}` };
  }
  try {
    if (!isObject(raw)) throw new Invalid("the file must hold a JSON object");
    if (raw.version !== 1) throw new Invalid("version must be 1");
    return {
      ok: true,
      value: {
        version: 1,
        tools: items(raw.tools, "tools", tool, (t) => t.name),
        prompts: items(raw.prompts, "prompts", prompt, (p) => p.name),
        resources: items(raw.resources, "resources", resource, (r) => r.uri),
        resourceTemplates: items(
          raw.resourceTemplates,
          "resourceTemplates",
          template,
          (t) => t.uriTemplate,
        ),
      },
    };
  } catch (err) {
    if (err instanceof Invalid) return { ok: false, error: err.message };
    throw err;
  }
}

/** The list kinds whose content differs between `before` and `after`. */
export function changedKinds(before: Declared, after: Declared): ListKind[] {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const out: ListKind[] = [];
  if (!same(before.tools, after.tools)) out.push("tools");
  if (!same(before.prompts, after.prompts)) out.push("prompts");
  if (
    !same(before.resources, after.resources) ||
    !same(before.resourceTemplates, after.resourceTemplates)
  ) out.push("resources");
  return out;
}
