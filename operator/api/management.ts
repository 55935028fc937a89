/**
 * The management API (unmcp's): list, get, create (POST), update (PUT, optimistic concurrency),
 * delete (a pool with its servers) of MCPServers and MCPPools, and JSON metrics. The caller was
 * authorized before this runs (operator/auth/access.ts); paths are parsed in ./paths.ts.
 */

import type { MCPPool, MCPServer } from "../../lib/api/mod.ts";
import type { Cache } from "../controller/cache.ts";
import {
  isNotFound,
  type KubeClient,
  resourcePath,
  RESOURCES,
  statusCode,
} from "../../lib/kube/mod.ts";
import { MAX_BODY_BYTES, readLimited, tooLarge } from "./body.ts";
import {
  allowedMethods,
  type ApiKind,
  type ApiTarget,
  parseApiPath,
  type Resolve,
  type Scope,
} from "./paths.ts";
import {
  overallMetrics,
  poolMetrics,
  serversOfPool,
  serverSummaryIn,
  summarizePool,
} from "./summaries.ts";

export {
  type PoolSummary,
  type ServerSummary,
  summarizePool,
  summarizeServer,
} from "./summaries.ts";

type Obj = MCPServer | MCPPool;

const err = (status: number, message: string, headers?: HeadersInit) =>
  Response.json({ error: message }, { status, headers });

const LABEL: Record<ApiKind, string> = { servers: "MCPServer", pools: "MCPPool" };

/** Resolves ids against the cache: a name in `namespace`, else a uid in any namespace. */
export function cacheResolver(cache: Cache, namespace: string): Resolve {
  return (kind, id) => {
    const store = kind === "servers" ? cache.servers.store : cache.pools.store;
    const byName = store.get(`${namespace}/${id}`);
    const o = byName ?? [...store.values()].find((x: Obj) => x.metadata.uid === id);
    return o ? { namespace: o.metadata.namespace!, name: o.metadata.name! } : undefined;
  };
}

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

/** The object a PUT writes: the cached one with the body's spec, labels and resourceVersion. */
export function updatedObject(cached: Obj, body: Partial<Obj>): Obj {
  const { managedFields: _m, ...meta } = cached.metadata as Obj["metadata"] & {
    managedFields?: unknown;
  };
  return {
    ...cached,
    metadata: {
      ...meta,
      labels: body.metadata?.labels ?? meta.labels,
      annotations: body.metadata?.annotations ?? meta.annotations,
      resourceVersion: body.metadata?.resourceVersion ?? meta.resourceVersion,
    },
    spec: (body.spec ?? cached.spec) as never,
    status: undefined,
  } as Obj;
}

interface Ctx {
  client: KubeClient;
  cache: Cache;
  maxBodyBytes: number;
}

function storeOf(cache: Cache, kind: ApiKind) {
  return (kind === "servers" ? cache.servers.store : cache.pools.store) as Map<string, Obj>;
}

function summarize(cache: Cache, kind: ApiKind, o: Obj) {
  return kind === "servers" ? serverSummaryIn(cache, o as MCPServer) : summarizePool(o as MCPPool);
}

const refOf = (kind: ApiKind) => kind === "servers" ? RESOURCES.servers : RESOURCES.pools;

function notFound(kind: ApiKind, key: string): Response {
  return err(404, `Cannot find ${LABEL[kind]} "${key}": not found`);
}

function metrics(ctx: Ctx, t: ApiTarget): Response {
  if (!t.metricsOf) return Response.json(overallMetrics(ctx.cache));
  const key = `${t.namespace}/${t.name}`;
  const o = storeOf(ctx.cache, t.metricsOf).get(key);
  if (!o) return notFound(t.metricsOf, key);
  return Response.json(
    t.metricsOf === "pools"
      ? poolMetrics(ctx.cache, o as MCPPool)
      : serverSummaryIn(ctx.cache, o as MCPServer),
  );
}

function list(ctx: Ctx, kind: ApiKind, ns: string | undefined): Response {
  const items = [...storeOf(ctx.cache, kind).values()]
    .filter((o) => !ns || o.metadata.namespace === ns)
    .map((o) => summarize(ctx.cache, kind, o))
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  return Response.json({ items });
}

async function create(ctx: Ctx, req: Request, kind: ApiKind, ns: string): Promise<Response> {
  const body = await readJson<Obj>(req, ctx.maxBodyBytes);
  if (body instanceof Response) return body;
  body.metadata = { ...body.metadata, namespace: ns };
  const created = await ctx.client.request<Obj>("POST", resourcePath(refOf(kind), ns), { body });
  return Response.json(summarize(ctx.cache, kind, created), { status: 201 });
}

async function update(ctx: Ctx, req: Request, kind: ApiKind, cached: Obj): Promise<Response> {
  const body = await readJson<Partial<Obj>>(req, ctx.maxBodyBytes);
  if (body instanceof Response) return body;
  const { namespace, name } = cached.metadata;
  const path = resourcePath(refOf(kind), namespace, name);
  const written = await ctx.client.request<Obj>("PUT", path, {
    body: updatedObject(cached, body),
  });
  return Response.json(summarize(ctx.cache, kind, written));
}

async function remove(ctx: Ctx, kind: ApiKind, o: Obj): Promise<Response> {
  const { namespace, name } = o.metadata;
  const opts = { body: { propagationPolicy: "Background" } };
  await ctx.client.request("DELETE", resourcePath(refOf(kind), namespace, name), opts);
  if (kind === "pools") {
    for (const s of serversOfPool(ctx.cache, namespace!, name!)) {
      const path = resourcePath(RESOURCES.servers, namespace, s.metadata.name);
      await ctx.client.request("DELETE", path, opts).catch((e) => {
        if (!isNotFound(e)) throw e;
      });
    }
  }
  return new Response(null, { status: 204 });
}

function answer(ctx: Ctx, req: Request, t: ApiTarget): Response | Promise<Response> {
  const method = req.method.toUpperCase() === "HEAD" ? "GET" : req.method.toUpperCase();
  const allow = allowedMethods(t);
  if (!allow.includes(method)) {
    const path = new URL(req.url).pathname;
    return err(405, `Cannot ${req.method} ${path}: method not allowed`, {
      allow: allow.join(", "),
    });
  }
  if (t.kind === "metrics") return metrics(ctx, t);
  if (t.name === undefined) {
    return method === "GET"
      ? list(ctx, t.kind, t.namespace)
      : create(ctx, req, t.kind, t.namespace!);
  }
  const key = `${t.namespace}/${t.name}`;
  const o = storeOf(ctx.cache, t.kind).get(key);
  if (!o) return notFound(t.kind, key);
  if (method === "GET") return Response.json(summarize(ctx.cache, t.kind, o));
  return method === "PUT" ? update(ctx, req, t.kind, o) : remove(ctx, t.kind, o);
}

/**
 * Creates the management API handler (paths under /api/v1/; bodies up to `maxBodyBytes`). The
 * target is the one the authorizer reviewed; without it the path is parsed in `namespace`.
 */
export function createManagementApi(
  client: KubeClient,
  cache: Cache,
  maxBodyBytes = MAX_BODY_BYTES,
  namespace = "default",
) {
  const ctx: Ctx = { client, cache, maxBodyBytes };
  const scope: Scope = { namespace, resolve: cacheResolver(cache, namespace) };
  return async (req: Request, target?: ApiTarget): Promise<Response> => {
    const url = new URL(req.url);
    const t = target ?? parseApiPath(req.method, url.pathname, scope);
    if (!t) return err(404, `Cannot route "${url.pathname}": unknown API path`);
    try {
      return await answer(ctx, req, t);
    } catch (e) {
      const code = statusCode(e);
      return err(code && code >= 400 && code < 600 ? code : 500, (e as Error).message);
    }
  };
}
