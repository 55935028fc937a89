/**
 * The declared file of an MCPServer (pure): the MCPTools, MCPPrompts and MCPResources its
 * toolSelector selects, in the format the gateway reads (`--declared-file`, see
 * /work/wt/DECLARED_CONTRACT.md and gateway/README.md), plus the name clashes among them.
 *
 * @module
 */

import {
  type MCPPrompt,
  type MCPResource,
  type MCPServer,
  type MCPTool,
  parseDuration,
  type ServiceRef,
} from "../../lib/api/mod.ts";
import { matchesSelector } from "./selector.ts";

/** The version of the declared file format. */
export const DECLARED_VERSION = 1;

/** How the gateway calls a Service for a tool or a resource template. */
export interface HttpTarget {
  url: string;
  method: string;
  timeoutMs: number;
}

/** A declared tool as the gateway serves it. */
export interface DeclaredTool {
  name: string;
  description?: string;
  inputSchema: Record<string, unknown>;
  outputSchema?: Record<string, unknown>;
  annotations?: Record<string, unknown>;
  http: HttpTarget;
}

/** A declared prompt as the gateway serves it. */
export interface DeclaredPrompt {
  name: string;
  description?: string;
  template: string;
  arguments: { name: string; description?: string; required: boolean; default?: string }[];
}

/** An inline resource. */
export interface DeclaredResource {
  uri: string;
  name: string;
  description?: string;
  mimeType?: string;
  text?: string;
  blob?: string;
}

/** A resource template read from a Service. */
export interface DeclaredResourceTemplate {
  uriTemplate: string;
  name: string;
  description?: string;
  mimeType?: string;
  http: HttpTarget;
}

/** The content of `declared.json`. */
export interface DeclaredFile {
  version: typeof DECLARED_VERSION;
  tools: DeclaredTool[];
  prompts: DeclaredPrompt[];
  resources: DeclaredResource[];
  resourceTemplates: DeclaredResourceTemplate[];
}

/** The declared objects of a namespace (or more: selection checks the namespace). */
export interface DeclaredObjects {
  tools: MCPTool[];
  prompts: MCPPrompt[];
  resources: MCPResource[];
}

/** A rendered file and the clashes found on the way (one sentence each). */
export interface Rendered {
  file: DeclaredFile;
  conflicts: string[];
}

type Declared = MCPTool | MCPPrompt | MCPResource;

/** Whether `server`'s toolSelector selects `obj` (same namespace, labels match). */
export function selects(server: MCPServer, obj: Declared): boolean {
  return obj.metadata.namespace === server.metadata.namespace &&
    !obj.metadata.deletionTimestamp &&
    matchesSelector(server.spec.toolSelector, obj.metadata.labels);
}

/** The in-cluster URL of a Service path: `http://<svc>.<ns>.svc.cluster.local:<port><path>`. */
export function serviceUrl(ref: ServiceRef, namespace: string): string {
  return `http://${ref.name}.${namespace}.svc.cluster.local:${ref.port}${ref.path ?? "/"}`;
}

const ms = (d: number | string | undefined, fallback: string) =>
  Math.round(parseDuration(d ?? fallback) * 1000);

const optional = <T extends Record<string, unknown>>(o: T): T =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;

function renderTool(t: MCPTool): DeclaredTool {
  const s = t.spec;
  return optional({
    name: s.name ?? t.metadata.name!,
    description: s.description,
    inputSchema: structuredClone(s.inputSchema) as Record<string, unknown>,
    outputSchema: s.outputSchema && structuredClone(s.outputSchema) as Record<string, unknown>,
    annotations: s.annotations && structuredClone(s.annotations),
    http: {
      url: serviceUrl(s.service, t.metadata.namespace!),
      method: s.method ?? "POST",
      timeoutMs: ms(s.timeout, "30s"),
    },
  });
}

function renderPrompt(p: MCPPrompt): DeclaredPrompt {
  const s = p.spec;
  return optional({
    name: s.name ?? p.metadata.name!,
    description: s.description,
    template: s.template,
    arguments: (s.variables ?? []).map((v) =>
      optional({
        name: v.name,
        description: v.description,
        required: v.required ?? false,
        default: v.default,
      })
    ),
  });
}

function renderResource(r: MCPResource): DeclaredResource | undefined {
  const c = r.spec.content;
  if (!c) return undefined;
  const name = r.spec.name ?? r.metadata.name!;
  return optional({
    uri: c.uri,
    name,
    description: r.spec.description,
    mimeType: c.mimeType,
    text: c.text,
    blob: c.blob,
  });
}

function renderTemplates(r: MCPResource): DeclaredResourceTemplate[] {
  const ops = r.spec.operations ?? [];
  const base = r.spec.name ?? r.metadata.name!;
  return ops.map((op, i) =>
    optional({
      uriTemplate: op.uriTemplate,
      name: op.name ?? (ops.length === 1 ? base : `${base}-${i}`),
      description: op.description ?? r.spec.description,
      mimeType: op.mimeType,
      http: {
        url: serviceUrl(op.service, r.metadata.namespace!),
        method: "GET",
        timeoutMs: ms(op.timeout, "10s"),
      },
    })
  );
}

const byName = (a: Declared, b: Declared) => a.metadata.name!.localeCompare(b.metadata.name!);

/**
 * Keeps the first item of each key (objects are visited by metadata.name) and describes every
 * clash: `tool "x" is declared by MCPTool "a" and "b" (serving "a")`.
 */
function unique<T>(
  items: { item: T; key: string; from: string }[],
  what: string,
  kind: string,
  conflicts: string[],
): T[] {
  const seen = new Map<string, string[]>();
  const out: T[] = [];
  for (const { item, key, from } of items) {
    const owners = seen.get(key);
    if (owners) owners.push(from);
    else {
      seen.set(key, [from]);
      out.push(item);
    }
  }
  for (const [key, owners] of seen) {
    if (owners.length < 2) continue;
    const list = owners.map((o) => `"${o}"`).join(" and ");
    conflicts.push(`${what} "${key}" is declared by ${kind} ${list} (serving "${owners[0]}")`);
  }
  return out;
}

/** Renders what `server` selects among `objects` into the declared file (pure). */
export function renderDeclared(server: MCPServer, objects: DeclaredObjects): Rendered {
  const pick = <T extends Declared>(list: T[]) =>
    list.filter((o) => selects(server, o)).sort(byName);
  const conflicts: string[] = [];
  const tools = pick(objects.tools).map((t) => ({ item: renderTool(t), from: t.metadata.name! }));
  const prompts = pick(objects.prompts).map((p) => ({
    item: renderPrompt(p),
    from: p.metadata.name!,
  }));
  const resources = pick(objects.resources);
  const inline = resources.flatMap((r) => {
    const item = renderResource(r);
    return item ? [{ item, key: item.uri, from: r.metadata.name! }] : [];
  });
  const templates = resources.flatMap((r) =>
    renderTemplates(r).map((item) => ({ item, key: item.uriTemplate, from: r.metadata.name! }))
  );
  return {
    file: {
      version: DECLARED_VERSION,
      tools: unique(tools.map((t) => ({ ...t, key: t.item.name })), "tool", "MCPTool", conflicts),
      prompts: unique(
        prompts.map((p) => ({ ...p, key: p.item.name })),
        "prompt",
        "MCPPrompt",
        conflicts,
      ),
      resources: unique(inline, "resource", "MCPResource", conflicts),
      resourceTemplates: unique(templates, "resource template", "MCPResource", conflicts),
    },
    conflicts,
  };
}
