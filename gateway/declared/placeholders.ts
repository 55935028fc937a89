/** Pure text substitution: `{arg}` in URLs, `{{variable}}` in prompts, `{var}` URI templates. */
import type { Json } from "../jsonrpc/message.ts";
import type { HttpMethod } from "./file.ts";

const URL_PLACEHOLDER = /\{([A-Za-z0-9_.-]+)\}/g;
const PROMPT_VARIABLE = /\{\{\s*([A-Za-z0-9_.-]+)\s*\}\}/g;

/** An argument as URL text: strings as they are, anything else as JSON. */
function asText(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v);
}

/** Result of {@linkcode fillUrl}: `bad` names an argument and says what is wrong with it. */
export type Filled =
  | { ok: true; url: string; rest: Json }
  | { ok: false; bad: string; why: "missing" | "dot-segment" };

/**
 * Fills `{name}` placeholders of `url` from `args` (URL-encoded); the arguments no placeholder
 * used come back as `rest`. A placeholder without an argument is refused, and so is `.` or `..`
 * (a URL parser would climb the path with it, even %-encoded).
 */
export function fillUrl(url: string, args: Json): Filled {
  const used = new Set<string>();
  let bad: Filled | null = null;
  const out = url.replace(URL_PLACEHOLDER, (_, name: string) => {
    const v = args[name];
    if (v === undefined || v === null) {
      bad ??= { ok: false, bad: name, why: "missing" };
      return "";
    }
    const text = encodeURIComponent(asText(v));
    if (text === "." || text === "..") bad ??= { ok: false, bad: name, why: "dot-segment" };
    used.add(name);
    return text;
  });
  if (bad !== null) return bad;
  const rest: Json = {};
  for (const [k, v] of Object.entries(args)) if (!used.has(k)) rest[k] = v;
  return { ok: true, url: out, rest };
}

/** Adds `rest` to the query of `url` (arrays repeat the key; objects go as JSON). */
export function withQuery(url: string, rest: Json): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(rest)) {
    if (v === undefined || v === null) continue;
    for (const one of Array.isArray(v) ? v : [v]) u.searchParams.append(k, asText(one));
  }
  return u.toString();
}

/** Whether a method carries its arguments in a JSON body (else in the query). */
export function hasBody(method: HttpMethod): boolean {
  return method === "POST" || method === "PUT" || method === "PATCH";
}

/** Replaces `{{name}}` in `template` with `values[name]`; unknown names become "". */
export function renderTemplate(template: string, values: Record<string, string>): string {
  return template.replace(PROMPT_VARIABLE, (_, name: string) => values[name] ?? "");
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Matches `uri` against a level-1 URI template (`items://{id}`): the variables it binds
 * (decoded), or null when it does not match. A variable never spans `/`, `?` or `#`.
 */
export function matchUriTemplate(uriTemplate: string, uri: string): Record<string, string> | null {
  const names: string[] = [];
  let pattern = "^";
  let last = 0;
  for (const m of uriTemplate.matchAll(URL_PLACEHOLDER)) {
    pattern += escapeRegExp(uriTemplate.slice(last, m.index)) + "([^/?#]+)";
    names.push(m[1]);
    last = m.index + m[0].length;
  }
  pattern += escapeRegExp(uriTemplate.slice(last)) + "$";
  const found = new RegExp(pattern).exec(uri);
  if (!found) return null;
  const vars: Record<string, string> = {};
  try {
    names.forEach((n, i) => vars[n] = decodeURIComponent(found[i + 1]));
  } catch {
    return null; // a malformed %-escape
  }
  return vars;
}
