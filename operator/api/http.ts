/**
 * The operator's one HTTP handler: router, management API, health and metrics. Every request
 * but the health probes (and OAuth discovery) is authenticated, then authorized as its caller
 * with the attributes `accessFor()` maps it to, before any handler runs.
 */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Logger } from "../../lib/log.ts";
import { type Access, accessFor, type Route } from "../auth/access.ts";
import { authenticate, type Authenticator, type Challenge, type Identity } from "../auth/authn.ts";
import type { Authorizer } from "../auth/kubernetes.ts";
import { forbidden, statusResponse } from "../auth/status.ts";
import type { Cache } from "../controller/cache.ts";
import type { KubeClient } from "../../lib/kube/mod.ts";
import type { OperatorMetrics } from "../metrics.ts";
import { gatewayMetrics } from "./gateway_metrics.ts";
import { cacheResolver, createManagementApi } from "./management.ts";
import { createRouter } from "./router.ts";
import type { Tracing } from "../../lib/trace/mod.ts";

/** What the HTTP handler needs. */
export interface HttpDeps {
  client: KubeClient;
  cache: Cache;
  log: Logger;
  metrics: OperatorMetrics;
  /** Tried in order; the first caller or response wins (none: 401). */
  authenticators: readonly Authenticator[];
  /** Extra parameters of that 401's challenge. */
  challenge?: Challenge;
  authorizer: Authorizer;
  /** The bearer token of a server's gateway. */
  serverToken: (server: MCPServer) => Promise<string>;
  /** Answers `/.well-known/…` (public; e.g. OAuth protected resource metadata). Default 404. */
  wellKnown?: (req: Request) => Promise<Response>;
  wakeTimeoutMs?: number;
  /** Largest management API body. Default 1 MiB. */
  maxBodyBytes?: number;
  /** The namespace of the unified paths `/api/v1/servers/{name}/…`. Default `default`. */
  unifiedNamespace?: string;
  /** Serve the management API (`--disable-api` = false). Default true. */
  managementApi?: boolean;
  /** Router spans (`--otel-endpoint`); default none. */
  tracing?: Tracing | null;
}

type Handler = (req: Request, caller: Identity, access: Access) => Promise<Response>;

const notFound = (path: string) =>
  Response.json({ error: `Cannot route "${path}": not found` }, { status: 404 });

/** The caller of a request (if it proved one) and, unless it may proceed, the refusal. */
interface Admission {
  caller?: Identity;
  refused?: Response;
}

/** Authenticates and authorizes a request. */
async function admit(deps: HttpDeps, req: Request, access: Access): Promise<Admission> {
  const who = await authenticate(deps.authenticators, req, access, deps.challenge);
  if (who instanceof Response) return { refused: who };
  try {
    for (const attrs of [access.attributes!, ...access.also ?? []]) {
      const d = await deps.authorizer(who, attrs);
      if (!d.allowed) return { caller: who, refused: forbidden(attrs, who.username, d.reason) };
    }
    return { caller: who };
  } catch (err) {
    const msg = `Cannot review access of User "${who.username}": ${(err as Error).message}`;
    return { caller: who, refused: statusResponse(503, "ServiceUnavailable", msg) };
  }
}

function decisionOf(res: Response | undefined): string {
  if (!res) return "allowed";
  if (res.status === 401) return "unauthenticated";
  return res.status === 403 ? "forbidden" : "error";
}

/** Counts a router request in its server's series (only servers that exist: names are input). */
function countRouted(deps: HttpDeps, access: Access, code: number): void {
  const t = access.route === "router" ? access.server : undefined;
  const server = t && deps.cache.servers.store.get(`${t.namespace}/${t.name}`);
  if (!server) return;
  deps.metrics.routed.inc({ ...t, pool: server.spec.pool ?? "default" }, code);
}

/** Creates the `(Request) => Response` handler of the operator's port. */
export function createHttpHandler(deps: HttpDeps): (req: Request) => Promise<Response> {
  const namespace = deps.unifiedNamespace ?? "default";
  const api = createManagementApi(deps.client, deps.cache, deps.maxBodyBytes, namespace);
  const scope = { namespace, resolve: cacheResolver(deps.cache, namespace) };
  const router = createRouter({ ...deps, scope });
  const metrics: Handler = async () => {
    const body = await deps.metrics.registry.metrics();
    return new Response(body, { headers: { "content-type": deps.metrics.registry.contentType } });
  };
  const handlers: Record<Exclude<Route, "health" | "wellknown">, Handler> = {
    router,
    api: (req, _caller, access) =>
      deps.managementApi === false
        ? Promise.resolve(notFound(new URL(req.url).pathname))
        : access.api?.gatewayMetrics
        ? gatewayMetrics(deps, req, access.api)
        : api(req, access.api),
    metrics,
    other: (req) => Promise.resolve(notFound(new URL(req.url).pathname)),
  };
  const publicRoute = (req: Request, access: Access): Promise<Response> | Response => {
    if (access.route === "wellknown") {
      return deps.wellKnown?.(req) ?? notFound(new URL(req.url).pathname);
    }
    const path = new URL(req.url).pathname;
    if (path === "/healthz" || path === "/health") return new Response("ok");
    return deps.cache.synced ? new Response("ok") : new Response("not synced", { status: 503 });
  };
  return async (req) => {
    const path = new URL(req.url).pathname;
    const access = accessFor(req.method, path, scope);
    if (!access.attributes) {
      const res = await publicRoute(req, access);
      deps.metrics.httpRequests.inc({ route: access.route, code: String(res.status) });
      return res;
    }
    const { caller, refused } = await admit(deps, req, access);
    const source = caller?.source ?? "none";
    deps.metrics.authDecisions.inc({ decision: decisionOf(refused), source });
    const route = access.route as keyof typeof handlers;
    const res = refused ?? await handlers[route](req, caller!, access);
    deps.metrics.httpRequests.inc({ route: access.route, code: String(res.status) });
    countRouted(deps, access, res.status);
    deps.log.info("request", {
      method: req.method,
      path: path.slice(0, 200),
      code: res.status,
      user: caller?.username,
      source: caller?.source,
    });
    return res;
  };
}
