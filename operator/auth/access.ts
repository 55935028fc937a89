/**
 * What a request to the operator's port asks to do, in the terms of a SubjectAccessReview:
 * one pure mapping from (method, path) to the route and the attributes to review. The router
 * and the management API are authorized here and nowhere else.
 *
 * @module
 */

import { type ApiTarget, parseApiPath, resolveId, type Scope } from "../api/paths.ts";

export type { Scope } from "../api/paths.ts";

/** The API group of nmcp's resources. */
export const NMCP_GROUP = "nmcp.nwrx.io";

/** Resource attributes of a SubjectAccessReview (namespace "" = cluster scope). */
export interface ResourceAttributes {
  kind: "resource";
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
  namespace?: string;
  name?: string;
}

/** Non-resource attributes of a SubjectAccessReview (a URL path). */
export interface NonResourceAttributes {
  kind: "nonResource";
  verb: string;
  path: string;
}

/** What a request must be allowed to do. */
export type Attributes = ResourceAttributes | NonResourceAttributes;

/** Which part of the port answers a request (a bounded metric label). */
export type Route = "health" | "wellknown" | "router" | "api" | "metrics" | "other";

/** Where a router request goes: the server, the gateway path, and the prefix it came under. */
export interface RouterTarget {
  namespace: string;
  name: string;
  /** The gateway path (`/mcp`, `/sse`, `/message`, …). */
  rest: string;
  /** The path prefix the caller used (the SSE `endpoint` event is rewritten under it). */
  prefix: string;
}

/** The route of a request and, unless it is public, what to authorize. */
export interface Access {
  route: Route;
  /** Undefined for public routes (health probes, OAuth discovery). */
  attributes?: Attributes;
  /** The MCPServer a router request targets. */
  server?: RouterTarget;
  /** What a management API request addresses. */
  api?: ApiTarget;
  /** Further attributes the caller must also be allowed (DELETE of a pool deletes its servers). */
  also?: Attributes[];
}

const PUBLIC = new Set(["/healthz", "/readyz", "/health", "/ready"]);
const RESOURCE = { servers: "mcpservers", pools: "mcppools" } as const;

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/** The Kubernetes verb of a request on a collection (`name` absent) or an object. */
export function resourceVerb(method: string, hasName: boolean): string {
  switch (method.toUpperCase()) {
    case "GET":
    case "HEAD":
      return hasName ? "get" : "list";
    case "POST":
      return "create";
    case "PUT":
      return "update";
    case "PATCH":
      return "patch";
    case "DELETE":
      return hasName ? "delete" : "deletecollection";
    default:
      return method.toLowerCase();
  }
}

function nonResource(route: Route, method: string, path: string): Access {
  const verb = method.toUpperCase() === "HEAD" ? "get" : method.toLowerCase();
  return { route, attributes: { kind: "nonResource", verb, path } };
}

/**
 * The server a router path targets: `/servers/{ns}/{name}[/rest]`, or the unified
 * `/api/v1/servers/{id}/{sse|message|mcp}` (id = uid or name) in the scope's namespace.
 */
export function routerTarget(
  path: string,
  scope: Scope = { namespace: "default" },
): RouterTarget | undefined {
  const full = /^\/servers\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
  if (full) {
    const [namespace, name] = [decode(full[1]), decode(full[2])];
    if (namespace === undefined || name === undefined) return undefined;
    return { namespace, name, rest: full[3] ?? "/mcp", prefix: `/servers/${full[1]}/${full[2]}` };
  }
  const unified = /^\/api\/v1\/servers\/([^/]+)(\/(?:sse|message|mcp))$/.exec(path);
  const id = unified ? decode(unified[1]) : undefined;
  if (id === undefined) return undefined;
  const prefix = `/api/v1/servers/${unified![1]}`;
  return { ...resolveId(scope, "servers", id), rest: unified![2], prefix };
}

function routerAccess(path: string, scope: Scope): Access | undefined {
  const server = routerTarget(path, scope);
  if (!server) return undefined;
  const { namespace, name } = server;
  const attributes: ResourceAttributes = {
    kind: "resource",
    verb: "get",
    group: NMCP_GROUP,
    resource: "mcpservers",
    subresource: "connect",
    namespace,
    name,
  };
  return { route: "router", attributes, server };
}

const resourceOf = (kind: "servers" | "pools", verb: string, ns: string, name?: string) => ({
  kind: "resource" as const,
  verb,
  group: NMCP_GROUP,
  resource: RESOURCE[kind],
  namespace: ns,
  ...(name !== undefined ? { name } : {}),
});

function apiAccess(method: string, path: string, scope: Scope): Access | undefined {
  const api = parseApiPath(method, path, scope);
  if (!api) return undefined;
  if (api.kind === "metrics") {
    const attributes = api.metricsOf
      ? resourceOf(api.metricsOf, "get", api.namespace!, api.name)
      : resourceOf("servers", "list", "");
    return { route: "api", attributes, api };
  }
  if (api.gatewayMetrics) {
    const attributes = {
      ...resourceOf("servers", "get", api.namespace!, api.name),
      subresource: "metrics",
    };
    return { route: "api", attributes, api };
  }
  const verb = resourceVerb(method, api.name !== undefined);
  const attributes = resourceOf(api.kind, verb, api.namespace ?? "", api.name);
  const cascade = api.kind === "pools" && verb === "delete";
  const also = cascade ? [resourceOf("servers", "deletecollection", api.namespace!)] : undefined;
  return { route: "api", attributes, api, ...(also ? { also } : {}) };
}

/**
 * Maps a request's method and path to its route and the attributes to authorize; the short
 * paths (`/api/v1/servers/{id}…`) address objects in the scope's namespace (default `default`).
 */
export function accessFor(
  method: string,
  path: string,
  scope: Scope = { namespace: "default" },
): Access {
  if (PUBLIC.has(path)) return { route: "health" };
  if (path.startsWith("/.well-known/")) return { route: "wellknown" };
  if (path === "/metrics") return nonResource("metrics", method, path);
  if (path.startsWith("/servers/")) {
    return routerAccess(path, scope) ?? nonResource("other", method, path);
  }
  if (path.startsWith("/api/v1/")) {
    return routerAccess(path, scope) ?? apiAccess(method, path, scope) ??
      nonResource("other", method, path);
  }
  return nonResource("other", method, path);
}
