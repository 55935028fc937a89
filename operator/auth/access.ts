/**
 * What a request to the operator's port asks to do, in the terms of a SubjectAccessReview:
 * one pure mapping from (method, path) to the route and the attributes to review. The router
 * and the management API are authorized here and nowhere else.
 *
 * @module
 */

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
}

const PUBLIC = new Set(["/healthz", "/readyz"]);
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
 * `/api/v1/servers/{name}/{sse|message|mcp}` in `unifiedNamespace`.
 */
export function routerTarget(path: string, unifiedNamespace = "default"): RouterTarget | undefined {
  const full = /^\/servers\/([^/]+)\/([^/]+)(\/.*)?$/.exec(path);
  if (full) {
    const [namespace, name] = [decode(full[1]), decode(full[2])];
    if (namespace === undefined || name === undefined) return undefined;
    return { namespace, name, rest: full[3] ?? "/mcp", prefix: `/servers/${full[1]}/${full[2]}` };
  }
  const unified = /^\/api\/v1\/servers\/([^/]+)(\/(?:sse|message|mcp))$/.exec(path);
  const name = unified ? decode(unified[1]) : undefined;
  if (name === undefined) return undefined;
  const prefix = `/api/v1/servers/${unified![1]}`;
  return { namespace: unifiedNamespace, name, rest: unified![2], prefix };
}

function routerAccess(path: string, unifiedNamespace: string): Access | undefined {
  const server = routerTarget(path, unifiedNamespace);
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

function apiAccess(method: string, path: string): Access | undefined {
  const m = /^\/api\/v1\/(servers|pools)(?:\/([^/]+))?(?:\/([^/]+))?\/?$/.exec(path);
  if (!m) return undefined;
  const namespace = m[2] === undefined ? "" : decode(m[2]);
  const name = m[3] === undefined ? undefined : decode(m[3]);
  if (namespace === undefined || (m[3] !== undefined && name === undefined)) return undefined;
  const attributes: ResourceAttributes = {
    kind: "resource",
    verb: resourceVerb(method, name !== undefined),
    group: NMCP_GROUP,
    resource: RESOURCE[m[1] as keyof typeof RESOURCE],
    namespace,
    ...(name !== undefined ? { name } : {}),
  };
  return { route: "api", attributes };
}

/**
 * Maps a request's method and path to its route and the attributes to authorize; the unified
 * paths (`/api/v1/servers/{name}/sse|message|mcp`) target servers in `unifiedNamespace`.
 */
export function accessFor(method: string, path: string, unifiedNamespace = "default"): Access {
  if (PUBLIC.has(path)) return { route: "health" };
  if (path.startsWith("/.well-known/")) return { route: "wellknown" };
  if (path === "/metrics") return nonResource("metrics", method, path);
  if (path.startsWith("/servers/")) {
    return routerAccess(path, unifiedNamespace) ?? nonResource("other", method, path);
  }
  if (path.startsWith("/api/v1/")) {
    return routerAccess(path, unifiedNamespace) ?? apiAccess(method, path) ??
      nonResource("other", method, path);
  }
  return nonResource("other", method, path);
}
