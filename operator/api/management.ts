/** The management API: `/api/v1/servers[/{ns}[/{name}]]` and `/api/v1/pools…` (list, get, create, delete). */

import type { MCPPool, MCPServer } from "../../lib/api/mod.ts";
import type { Cache } from "../controller/cache.ts";
import { type KubeClient, resourcePath, RESOURCES } from "../kube/client.ts";
import { MAX_BODY_BYTES, readLimited, tooLarge } from "./body.ts";

/** A server as the management API shows it. */
export interface ServerSummary {
  namespace: string;
  name: string;
  pool: string;
  image: string;
  phase: string;
  isRunning: boolean;
  isIdle: boolean;
  totalRequests: number;
  /** Requests in flight plus open streams (what keeps a server from idling). */
  currentConnections: number;
  /** Sessions open at the gateway, live or abandoned. */
  openSessions: number;
  lastRequestAt: string | null;
  endpoint: string | null;
}

/** A pool as the management API shows it. */
export interface PoolSummary {
  namespace: string;
  name: string;
  maxActive: number | null;
  maxIdle: number | null;
  active: number;
  idle: number;
  pending: number;
}

/** Summarizes a server. */
export function summarizeServer(s: MCPServer): ServerSummary {
  const st = s.status ?? {};
  const phase = st.phase ?? "Idle";
  const isRunning = phase === "Ready" || phase === "Starting" || phase === "Degraded";
  return {
    namespace: s.metadata.namespace!,
    name: s.metadata.name!,
    pool: s.spec.pool ?? "default",
    image: s.spec.image,
    phase,
    isRunning,
    isIdle: phase === "Ready" && (st.currentConnections ?? 0) === 0,
    totalRequests: st.totalRequests ?? 0,
    currentConnections: st.currentConnections ?? 0,
    openSessions: st.openSessions ?? 0,
    lastRequestAt: st.lastRequestAt ?? null,
    endpoint: st.endpoint ?? null,
  };
}

/** Summarizes a pool. */
export function summarizePool(p: MCPPool): PoolSummary {
  return {
    namespace: p.metadata.namespace!,
    name: p.metadata.name!,
    maxActive: p.spec.maxActive ?? null,
    maxIdle: p.spec.maxIdle ?? null,
    active: p.status?.active ?? 0,
    idle: p.status?.idle ?? 0,
    pending: p.status?.pending ?? 0,
  };
}

const err = (status: number, message: string) => Response.json({ error: message }, { status });

/** The JSON object body of a request (at most `limit` bytes), or the error response to answer. */
async function readJson<T>(req: Request, limit: number): Promise<T | Response> {
  const bytes = await readLimited(req, limit);
  if (!bytes) return tooLarge(limit);
  let v: unknown;
  try {
    v = JSON.parse(new TextDecoder().decode(bytes));
  } catch (e) {
    return err(400, `Cannot parse request body: ${(e as Error).message}`);
  }
  if (typeof v !== "object" || v === null || Array.isArray(v)) {
    return err(400, "Cannot parse request body: expected a JSON object");
  }
  return v as T;
}

/** Creates the management API handler (paths under /api/v1/; bodies up to `maxBodyBytes`). */
export function createManagementApi(
  client: KubeClient,
  cache: Cache,
  maxBodyBytes = MAX_BODY_BYTES,
) {
  return async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    const m = /^\/api\/v1\/(servers|pools)(?:\/([^/]+))?(?:\/([^/]+))?\/?$/.exec(url.pathname);
    if (!m) return err(404, `Cannot route "${url.pathname}": unknown API path`);
    const [, kind, ns, name] = m;
    const servers = kind === "servers";
    const ref = servers ? RESOURCES.servers : RESOURCES.pools;
    const store = servers ? cache.servers.store : cache.pools.store;
    const summarize = (o: MCPServer | MCPPool) =>
      servers ? summarizeServer(o as MCPServer) : summarizePool(o as MCPPool);
    const label = servers ? "MCPServer" : "MCPPool";
    try {
      if (req.method === "GET" && name) {
        const o = store.get(`${ns}/${name}`);
        return o
          ? Response.json(summarize(o))
          : err(404, `Cannot find ${label} "${ns}/${name}": not found`);
      }
      if (req.method === "GET") {
        const items = [...store.values()].filter((o) => !ns || o.metadata.namespace === ns)
          .map(summarize).sort((a, b) =>
            `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`)
          );
        return Response.json({ items });
      }
      if (req.method === "POST" && ns && !name) {
        const body = await readJson<MCPServer | MCPPool>(req, maxBodyBytes);
        if (body instanceof Response) return body;
        body.metadata = { ...body.metadata, namespace: ns };
        const created = await client.request<MCPServer | MCPPool>("POST", resourcePath(ref, ns), {
          body,
        });
        return Response.json(summarize(created), { status: 201 });
      }
      if (req.method === "DELETE" && ns && name) {
        await client.request("DELETE", resourcePath(ref, ns, name), {
          body: { propagationPolicy: "Background" },
        });
        return new Response(null, { status: 204 });
      }
      return err(405, `Cannot ${req.method} ${url.pathname}: method not allowed`);
    } catch (e) {
      const code = (e as { code?: number }).code;
      return err(code && code >= 400 && code < 600 ? code : 500, (e as Error).message);
    }
  };
}
