/**
 * Pure decisions of merge mode (declared objects beside an upstream server's own): which
 * requests the declared objects answer, how list answers are extended, which capabilities to add.
 */
import type { Json, Message } from "../jsonrpc/message.ts";
import type { Declared, ListKind } from "./file.ts";
import {
  promptEntries,
  resourceEntries,
  templateEntries,
  templateFor,
  toolEntries,
} from "./handlers.ts";

/** A list method, the result field holding its items, and the key that names an item. */
export interface ListShape {
  field: string;
  key: string;
  kind: ListKind;
  entries: (d: Declared) => Json[];
}

/** The list methods merge mode extends. */
export const LISTS: Record<string, ListShape> = {
  "tools/list": { field: "tools", key: "name", kind: "tools", entries: toolEntries },
  "prompts/list": { field: "prompts", key: "name", kind: "prompts", entries: promptEntries },
  "resources/list": { field: "resources", key: "uri", kind: "resources", entries: resourceEntries },
  "resources/templates/list": {
    field: "resourceTemplates",
    key: "uriTemplate",
    kind: "resources",
    entries: templateEntries,
  },
};

/** The names (or URIs) the upstream lists, per list method. */
export type UpstreamNames = Record<string, Set<string>>;

/** No upstream names known yet. */
export function noNames(): UpstreamNames {
  return Object.fromEntries(Object.keys(LISTS).map((m) => [m, new Set<string>()]));
}

/** The keys of the items of one list page. */
export function keysOf(method: string, result: unknown): string[] {
  const shape = LISTS[method];
  const items = (result as Json | undefined)?.[shape.field];
  if (!Array.isArray(items)) return [];
  return items.map((i) => (i as Json)?.[shape.key]).filter((k) => typeof k === "string");
}

/**
 * An upstream list page with the declared items appended (on the last page only, the one
 * without `nextCursor`); a declared item whose key the upstream uses is left out.
 */
export function mergeList(method: string, result: unknown, d: Declared, known: Set<string>): Json {
  const page = (typeof result === "object" && result !== null ? result : {}) as Json;
  if (page.nextCursor !== undefined) return page;
  const shape = LISTS[method];
  const own = Array.isArray(page[shape.field]) ? page[shape.field] as Json[] : [];
  const taken = new Set([...known, ...keysOf(method, page)]);
  const added = shape.entries(d).filter((e) => !taken.has(e[shape.key] as string));
  return added.length === 0 ? page : { ...page, [shape.field]: [...own, ...added] };
}

/** The capabilities with `tools`, `prompts`, `resources` present and `listChanged` set. */
export function withDeclaredCapabilities(caps: unknown): Json {
  const out = { ...(typeof caps === "object" && caps !== null ? caps : {}) } as Json;
  for (const kind of ["tools", "prompts", "resources"]) {
    const had = out[kind];
    out[kind] = { ...(typeof had === "object" && had !== null ? had : {}), listChanged: true };
  }
  return out;
}

/** Whether the upstream's capabilities offer the kind a list method belongs to. */
export function upstreamOffers(caps: unknown, method: string): boolean {
  const kind = LISTS[method].kind;
  return typeof caps === "object" && caps !== null && (caps as Json)[kind] !== undefined;
}

/**
 * Whether a request to the upstream is answered by the declared objects instead: a call, get or
 * read of a declared name the upstream does not list, or a list the upstream does not offer.
 */
export function answersLocally(
  d: Declared,
  msg: Message,
  names: UpstreamNames,
  caps: unknown,
): boolean {
  const p = msg.params ?? {};
  switch (msg.method) {
    case "tools/call":
      return !names["tools/list"].has(p.name as string) && d.tools.some((t) => t.name === p.name);
    case "prompts/get":
      return !names["prompts/list"].has(p.name as string) &&
        d.prompts.some((x) => x.name === p.name);
    case "resources/read": {
      const uri = String(p.uri ?? "");
      if (names["resources/list"].has(uri)) return false;
      if (d.resources.some((r) => r.uri === uri)) return true;
      const found = templateFor(d, uri);
      return found !== null && !names["resources/templates/list"].has(found.template.uriTemplate);
    }
  }
  return msg.method !== undefined && msg.method in LISTS && !upstreamOffers(caps, msg.method);
}
