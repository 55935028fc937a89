/**
 * `GET /api/v1/namespaces/{ns}/servers/{name}/metrics`: the Prometheus text of a running
 * server's gateway, fetched with the server's own token. The caller was authorized to `get`
 * `mcpservers/metrics` of it (operator/auth/access.ts); the gateway accepts nobody but the operator.
 *
 * @module
 */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Cache } from "../controller/cache.ts";
import type { ApiTarget } from "./paths.ts";
import { reachable } from "./ready.ts";

/** What the proxy needs. */
export interface GatewayMetricsDeps {
  cache: Cache;
  serverToken: (server: MCPServer) => Promise<string>;
  /** Longest wait for the gateway's answer. Default 5000 ms. */
  timeoutMs?: number;
}

const problem = (status: number, message: string, headers?: HeadersInit) =>
  Response.json({ error: message }, { status, headers });

/** Answers a gateway-metrics request (GET only; 503 while the server does not run). */
export async function gatewayMetrics(
  deps: GatewayMetricsDeps,
  req: Request,
  t: ApiTarget,
): Promise<Response> {
  const key = `${t.namespace}/${t.name}`;
  if (req.method !== "GET" && req.method !== "HEAD") {
    return problem(405, `Cannot ${req.method} metrics of MCPServer "${key}": method not allowed`, {
      allow: "GET",
    });
  }
  const server = deps.cache.servers.store.get(key);
  if (!server) return problem(404, `Cannot find MCPServer "${key}": not found`);
  const target = reachable(deps.cache, server);
  if (!target || !("url" in target)) {
    const phase = server.status?.phase ?? "Idle";
    return problem(503, `Cannot read metrics of MCPServer "${key}": not running (phase ${phase})`);
  }
  try {
    const res = await fetch(`${target.url}/metrics`, {
      headers: { authorization: `Bearer ${await deps.serverToken(server)}` },
      signal: AbortSignal.timeout(deps.timeoutMs ?? 5000),
    });
    const body = await res.text();
    if (!res.ok) {
      return problem(
        502,
        `Cannot read metrics of MCPServer "${key}": gateway answered ${res.status}`,
      );
    }
    const type = res.headers.get("content-type") ?? "text/plain; version=0.0.4";
    return new Response(body, { headers: { "content-type": type } });
  } catch (err) {
    return problem(502, `Cannot read metrics of MCPServer "${key}": ${(err as Error).message}`);
  }
}
