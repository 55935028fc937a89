/** The resource kinds the plugin manages, and the names users may type for them. */

import { API_VERSION, GROUP, MCP_POOL, MCP_SERVER, VERSION } from "../lib/api/mod.ts";

/** An nmcp resource kind as the CLI addresses it. */
export interface ResourceKind {
  kind: "MCPServer" | "MCPPool";
  plural: string;
  singular: string;
  group: string;
  version: string;
  apiVersion: string;
}

/** MCPServer. */
export const SERVER: ResourceKind = {
  kind: MCP_SERVER.kind,
  plural: MCP_SERVER.plural,
  singular: MCP_SERVER.singular,
  group: GROUP,
  version: VERSION,
  apiVersion: API_VERSION,
};

/** MCPPool. */
export const POOL: ResourceKind = {
  kind: MCP_POOL.kind,
  plural: MCP_POOL.plural,
  singular: MCP_POOL.singular,
  group: GROUP,
  version: VERSION,
  apiVersion: API_VERSION,
};

const ALIASES: Record<string, ResourceKind> = {};
for (const k of [SERVER, POOL]) {
  for (
    const n of [k.kind, k.plural, k.singular, `${k.plural}.${GROUP}`, `${k.singular}.${GROUP}`]
  ) {
    ALIASES[n.toLowerCase()] = k;
  }
}
for (const n of [...MCP_SERVER.shortNames, "server", "servers"]) ALIASES[n] = SERVER;
for (const n of [...MCP_POOL.shortNames, "pool", "pools"]) ALIASES[n] = POOL;

/** Looks up a resource by any of its names (`mcps`, `server`, `mcpservers.nmcp.nwrx.io`, …). */
export function resolveKind(name: string): ResourceKind {
  const kind = ALIASES[name.toLowerCase()];
  if (!kind) {
    throw new TypeError(
      `Cannot find resource type "${name}": expected mcpserver (mcps, server) or mcppool (mcpp, pool)`,
    );
  }
  return kind;
}

/** Splits `TYPE NAME…` or `TYPE/NAME` arguments into (kind, names); bare names default to servers. */
export function parseTargets(args: string[]): { kind: ResourceKind; names: string[] }[] {
  if (args.length === 0) return [];
  if (args.every((a) => a.includes("/"))) {
    return args.map((a) => {
      const [type, name] = a.split("/", 2);
      return { kind: resolveKind(type), names: [name] };
    });
  }
  const first = args[0].toLowerCase();
  if (first in ALIASES) return [{ kind: ALIASES[first], names: args.slice(1) }];
  return [{ kind: SERVER, names: args }];
}

/** `mcpserver.nmcp.nwrx.io/NAME`, as kubectl prints object references. */
export function qualifiedName(kind: ResourceKind, name: string): string {
  return `${kind.singular}.${kind.group}/${name}`;
}
