/** The operator's one HTTP handler: router, management API, health and metrics. */

import type { Logger } from "../../lib/log.ts";
import type { Cache } from "../controller/cache.ts";
import type { KubeClient } from "../kube/client.ts";
import type { OperatorMetrics } from "../metrics.ts";
import { createManagementApi } from "./management.ts";
import { createRouter } from "./router.ts";

/** What the HTTP handler needs. */
export interface HttpDeps {
  client: KubeClient;
  cache: Cache;
  log: Logger;
  metrics: OperatorMetrics;
  wakeTimeoutMs?: number;
}

/** Creates the `(Request) => Response` handler of the operator's port. */
export function createHttpHandler(deps: HttpDeps): (req: Request) => Promise<Response> {
  const router = createRouter(deps);
  const api = createManagementApi(deps.client, deps.cache);
  return async (req) => {
    const { pathname } = new URL(req.url);
    if (pathname === "/healthz") return new Response("ok");
    if (pathname === "/readyz") {
      return deps.cache.synced ? new Response("ok") : new Response("not synced", { status: 503 });
    }
    if (pathname === "/metrics") {
      const body = await deps.metrics.registry.metrics();
      return new Response(body, { headers: { "content-type": deps.metrics.registry.contentType } });
    }
    if (pathname.startsWith("/servers/")) return await router(req);
    if (pathname.startsWith("/api/v1/")) return await api(req);
    return Response.json({ error: `Cannot route "${pathname}": not found` }, { status: 404 });
  };
}
