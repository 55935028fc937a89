/**
 * The management API's paths, parsed once for the authorizer and the handler:
 * `/api/v1/{servers|pools}[/{id}]` (id = uid or name, in the operator's namespace; a single
 * segment is never a namespace), `/api/v1/namespaces/{ns}/{servers|pools}[/{name}]`, the legacy
 * `/api/v1/{servers|pools}/{ns}/{name}`, `/api/v1/metrics[/{pools|servers}/{id}]`, and a
 * server's gateway metrics `/api/v1/namespaces/{ns}/servers/{name}/metrics`.
 *
 * @module
 */

/** The two resource collections of the API. */
export type ApiKind = "servers" | "pools";

/** What an API path addresses. */
export interface ApiTarget {
  kind: ApiKind | "metrics";
  /** Undefined: every namespace (a collection read). */
  namespace?: string;
  /** The object's name (an id resolved to its name). */
  name?: string;
  /** For `/api/v1/metrics/{pools|servers}/{id}`: which kind the name is. */
  metricsOf?: ApiKind;
  /** `/api/v1/namespaces/{ns}/servers/{name}/metrics`: the server's gateway metrics. */
  gatewayMetrics?: true;
}

/** Resolves an id (uid or name) to a cached object's namespace and name. */
export type Resolve = (
  kind: ApiKind,
  id: string,
) => { namespace: string; name: string } | undefined;

/** The namespace of the short paths, and how ids resolve. */
export interface Scope {
  namespace: string;
  resolve?: Resolve;
}

const KINDS = new Set(["servers", "pools"]);

function segments(path: string): string[] | undefined {
  if (!path.startsWith("/api/v1/")) return undefined;
  const raw = path.slice("/api/v1/".length).replace(/\/$/, "").split("/");
  try {
    return raw.map((s) => decodeURIComponent(s));
  } catch {
    return undefined;
  }
}

/** The namespace and name an id stands for (by name in the scope, else by uid). */
export function resolveId(scope: Scope, kind: ApiKind, id: string) {
  return scope.resolve?.(kind, id) ?? { namespace: scope.namespace, name: id };
}

/** Parses an API path; undefined when it is none (404). */
export function parseApiPath(method: string, path: string, scope: Scope): ApiTarget | undefined {
  const seg = segments(path);
  if (!seg || seg.some((s) => s === "")) return undefined;
  const [a, b, c, d] = seg;
  if (a === "metrics") {
    if (seg.length === 1) return { kind: "metrics" };
    if (seg.length !== 3 || !KINDS.has(b)) return undefined;
    return { kind: "metrics", metricsOf: b as ApiKind, ...resolveId(scope, b as ApiKind, c) };
  }
  if (a === "namespaces" && seg.length === 5 && c === "servers" && seg[4] === "metrics") {
    return { kind: "servers", namespace: b, name: d, gatewayMetrics: true };
  }
  if (a === "namespaces" && seg.length >= 3 && seg.length <= 4 && KINDS.has(c)) {
    return { kind: c as ApiKind, namespace: b, ...(d === undefined ? {} : { name: d }) };
  }
  if (!KINDS.has(a)) return undefined;
  const kind = a as ApiKind;
  if (seg.length === 1) {
    return method.toUpperCase() === "POST" ? { kind, namespace: scope.namespace } : { kind };
  }
  if (seg.length === 2) return { kind, ...resolveId(scope, kind, b) };
  if (seg.length === 3) return { kind, namespace: b, name: c };
  return undefined;
}

/** The methods an API target answers (its `Allow` header). */
export function allowedMethods(t: ApiTarget): string[] {
  if (t.kind === "metrics" || t.gatewayMetrics) return ["GET"];
  return t.name === undefined ? ["GET", "POST"] : ["GET", "PUT", "DELETE"];
}
