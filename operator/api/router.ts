/**
 * The wake-on-connect router: `/servers/{ns}/{name}/{mcp|sse|message}` (or the unified
 * `/api/v1/servers/{name}/…` in the operator's namespace) asks for the server
 * (request annotation), waits for Ready by watching the cache, then proxies to the pod's
 * gateway, streaming both ways (SSE included). The caller's credentials stay here: the
 * gateway gets the server's own token and the caller's identity in `x-nmcp-caller`.
 */

import type { MCPServer } from "../../lib/api/mod.ts";
import { type Caller, CALLER_HEADER, encodeCaller } from "../../lib/caller.ts";
import { startPatch } from "../../lib/requests.ts";
import { type RouterTarget, routerTarget, type Scope } from "../auth/access.ts";
import type { Logger } from "../../lib/log.ts";
import type { Cache } from "../controller/cache.ts";
import { type KubeClient, resourcePath, RESOURCES } from "../../lib/kube/mod.ts";
import type { OperatorMetrics } from "../metrics.ts";
import type { Span, Tracing } from "../../lib/trace/mod.ts";
import { reachable, waitReachable } from "./ready.ts";
import { traceRoute, WakeTrace } from "./router_trace.ts";
import { prefixEndpointEvent } from "./sse_prefix.ts";

/** What the router needs. */
export interface RouterDeps {
  client: KubeClient;
  cache: Cache;
  log: Logger;
  metrics?: OperatorMetrics;
  /** The bearer token the server's gateway requires (derived from its uid). */
  serverToken: (server: MCPServer) => Promise<string>;
  /** The namespace of the unified paths `/api/v1/servers/{id}/…` and how ids resolve. */
  scope?: Scope;
  /** Longest wait for a server to become Ready. Default 130 000 ms. */
  wakeTimeoutMs?: number;
  now?: () => Date;
  /** Spans per request, wake and queue wait (`loadTracing()`); default none (off). */
  tracing?: Tracing | null;
}

const HOP = ["connection", "keep-alive", "transfer-encoding", "upgrade", "host", "te", "trailer"];
/** Request headers never passed on: the caller's credentials and a forged caller. */
const STRIPPED = new Set([...HOP, "authorization", "cookie", "proxy-authorization", CALLER_HEADER]);

/** The gateway paths the router forwards (its probes, metrics and activity stay private). */
export const MCP_PATHS: ReadonlySet<string> = new Set(["/mcp", "/sse", "/message"]);

/** Parses `/servers/{ns}/{name}/{rest}`; undefined when the path is not a router path. */
export function parseRoute(
  pathname: string,
): { ns: string; name: string; rest: string } | undefined {
  const t = routerTarget(pathname);
  return t && pathname.startsWith("/servers/")
    ? { ns: t.namespace, name: t.name, rest: t.rest }
    : undefined;
}

function problem(status: number, message: string): Response {
  return Response.json({ error: message }, { status });
}

/** Sets the request annotation (merge patch on the main resource). */
export async function requestServer(
  client: KubeClient,
  server: MCPServer,
  at: Date,
): Promise<void> {
  const path = resourcePath(RESOURCES.servers, server.metadata.namespace, server.metadata.name);
  await client.request("PATCH", path, {
    body: startPatch(at),
    contentType: "application/merge-patch+json",
    query: { fieldManager: "nmcp-router" },
  });
}

/** Creates the router handler (`caller` has been authenticated and authorized). */
export function createRouter(
  deps: RouterDeps,
): (req: Request, caller: Caller) => Promise<Response> {
  const tracing = deps.tracing ?? null;
  const serve = routeRequest(deps);
  if (tracing === null) return (req, caller) => serve(req, caller);
  return (req, caller) => traceRoute(tracing, req, (span) => serve(req, caller, span));
}

/** Routes one request (`span`: its trace, when tracing is on). */
function routeRequest(
  deps: RouterDeps,
): (req: Request, caller: Caller, span?: Span) => Promise<Response> {
  return async (req, caller, span) => {
    const url = new URL(req.url);
    const route: RouterTarget | undefined = routerTarget(url.pathname, deps.scope);
    if (!route) return problem(404, `Cannot route "${url.pathname}": not a server path`);
    if (!MCP_PATHS.has(route.rest)) {
      return problem(404, `Cannot route "${url.pathname}": not an MCP path`);
    }
    const key = `${route.namespace}/${route.name}`;
    const server = deps.cache.servers.store.get(key);
    if (!server) return problem(404, `Cannot find MCPServer "${key}": not found`);
    let target = reachable(deps.cache, server);
    if (!target || "failed" in target) {
      // Not running (or failed earlier): ask again and wait for the operator's answer.
      const t0 = performance.now();
      const at = (deps.now ?? (() => new Date()))();
      try {
        await requestServer(deps.client, server, at);
      } catch (err) {
        return problem(502, `Cannot request MCPServer "${key}": ${(err as Error).message}`);
      }
      const timeout = deps.wakeTimeoutMs ?? 130_000;
      const wake = span && new WakeTrace(deps.tracing!, span, deps.cache, key);
      target = await waitReachable(deps.cache, key, timeout, req.signal, at.getTime());
      wake?.end(target);
      if (target && "url" in target) {
        deps.metrics?.wakeLatency.observe((performance.now() - t0) / 1000);
      }
    }
    if (!target) return problem(504, `Cannot reach MCPServer "${key}": not ready in time`);
    if ("failed" in target) {
      return problem(502, `Cannot start MCPServer "${key}": ${target.failed}`);
    }
    const prefix = route.prefix;
    const headers = forwardHeaders(req, prefix);
    headers.set("authorization", `Bearer ${await deps.serverToken(server)}`);
    headers.set(CALLER_HEADER, encodeCaller(caller));
    if (span) setTraceHeaders(headers, span);
    const res = await proxy(req, `${target.url}${route.rest}${url.search}`, headers, deps.log);
    const sse = res.headers.get("content-type")?.startsWith("text/event-stream");
    if (route.rest !== "/sse" || !sse || !res.body) return res;
    const body = res.body.pipeThrough(prefixEndpointEvent(prefix));
    return new Response(body, { status: res.status, headers: res.headers });
  };
}

/** Replaces the caller's trace context with the router span's. */
function setTraceHeaders(headers: Headers, span: Span): void {
  const { traceparent, tracestate } = span.carrier();
  headers.delete("tracestate");
  if (traceparent) headers.set("traceparent", traceparent);
  if (tracestate) headers.set("tracestate", tracestate);
}

/** The caller's headers minus hop-by-hop ones and credentials, plus X-Forwarded-*. */
export function forwardHeaders(req: Request, prefix: string): Headers {
  const headers = new Headers();
  for (const [k, v] of req.headers) if (!STRIPPED.has(k.toLowerCase())) headers.set(k, v);
  const inUrl = new URL(req.url);
  headers.set("x-forwarded-prefix", prefix);
  headers.set("x-forwarded-host", req.headers.get("host") ?? inUrl.host);
  headers.set("x-forwarded-proto", inUrl.protocol.replace(":", ""));
  return headers;
}

async function proxy(
  req: Request,
  target: string,
  headers: Headers,
  log: Logger,
): Promise<Response> {
  const hasBody = req.body !== null && req.method !== "GET" && req.method !== "HEAD";
  // Deno.serve aborts req.signal once a response is returned: follow it only until headers.
  const ctl = new AbortController();
  const onAbort = () => ctl.abort();
  req.signal.addEventListener("abort", onAbort);
  try {
    const res = await fetch(target, {
      method: req.method,
      headers,
      body: hasBody ? req.body : undefined,
      signal: ctl.signal,
      redirect: "manual",
      ...(hasBody ? { duplex: "half" } : {}),
    } as RequestInit);
    const out = new Headers();
    for (const [k, v] of res.headers) if (!HOP.includes(k.toLowerCase())) out.set(k, v);
    req.signal.removeEventListener("abort", onAbort);
    return new Response(res.body, { status: res.status, statusText: res.statusText, headers: out });
  } catch (err) {
    if (req.signal.aborted) return problem(499, "client closed request");
    log.warn("proxy failed", { target, error: String(err) });
    return problem(502, `Cannot reach gateway ${new URL(target).host}: ${(err as Error).message}`);
  }
}
