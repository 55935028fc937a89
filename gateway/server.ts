/** The gateway's HTTP handler, composed from security checks, transports, hubs and metrics. */
import { createLogger, type Logger } from "../lib/log.ts";
import { type Activity, type ActivityCounters, buildActivity } from "./activity.ts";
import { GatewayMetrics } from "./metrics.ts";
import { defaultAllowedHosts, guard, type SecurityOptions } from "./security/mod.ts";
import { Hub } from "./session/hub.ts";
import { SessionTable } from "./session/table.ts";
import type { ClientSession, TransportContext } from "./transports/context.ts";
import { handleSseMessage, handleSseOpen } from "./transports/sse.ts";
import { handleMcp } from "./transports/streamable_http.ts";
import { FifoUpstream } from "./upstream/fifo.ts";
import { HttpUpstream } from "./upstream/http.ts";
import { SseUpstream } from "./upstream/sse.ts";
import { StdioUpstream } from "./upstream/stdio.ts";
import type { Upstream } from "./upstream/types.ts";

/** Which server the gateway fronts. */
export type UpstreamSpec =
  | { kind: "stdio"; command: string[] }
  | { kind: "fifo"; dir: string }
  | { kind: "http"; url: string }
  | { kind: "sse"; url: string };

/** Options of {@linkcode createGateway}. */
export interface GatewayOptions {
  upstream: UpstreamSpec;
  /** One upstream process per client session (stdio only). Default false. */
  perSession?: boolean;
  /** Allowed browser Origins; default null = loopback origins only. */
  allowedOrigins?: string[] | null;
  /** Allowed Host names (`*` = any); default loopback names plus env POD_IP. */
  allowedHosts?: string[];
  /** Required bearer token; default none. */
  token?: string | null;
  /** Largest request body in bytes. Default 4 MiB. */
  maxBody?: number;
  /** Most open sessions. Default 1000. */
  maxSessions?: number;
  /** Idle sessions end after this many ms. Default 30 min. */
  sessionIdleTimeoutMs?: number;
  log?: Logger;
  /** Builds the upstream instead of `upstream` (tests inject in-memory servers). */
  upstreamFactory?: () => Upstream;
  /** Clock in ms, for tests. Default `Date.now`. */
  now?: () => number;
}

/** A running gateway (not bound to a socket: serve `handler` with `Deno.serve`). */
export interface Gateway {
  handler: (req: Request) => Promise<Response>;
  /** The activity report. */
  activity(): Activity;
  /** Resolves true once the (shared) upstream is initialized. */
  whenReady(timeoutMs: number): Promise<boolean>;
  /** The shared hub (null in per-session mode). */
  hub: Hub | null;
  metrics: GatewayMetrics;
  /** Stops taking new work, waits up to `timeoutMs` for in-flight requests, then closes. */
  drain(timeoutMs: number): Promise<void>;
  /** Ends all sessions and stops the upstream(s). */
  close(): Promise<void>;
}

function makeUpstream(spec: UpstreamSpec, log: Logger, restart: boolean): Upstream {
  switch (spec.kind) {
    case "stdio":
      return new StdioUpstream({ command: spec.command, restart, log });
    case "fifo":
      return new FifoUpstream({ dir: spec.dir, log });
    case "http":
      return new HttpUpstream({ url: spec.url, log });
    case "sse":
      return new SseUpstream({ url: spec.url, log });
  }
}

/** Creates a gateway: starts the upstream and returns the HTTP handler. */
export function createGateway(options: GatewayOptions): Gateway {
  const log = options.log ?? createLogger({ component: "gateway" });
  const now = options.now ?? Date.now;
  const metrics = new GatewayMetrics();
  const perSession = options.perSession === true && options.upstream.kind === "stdio";
  const newHub = (restart: boolean) =>
    new Hub({
      upstream: options.upstreamFactory?.() ?? makeUpstream(options.upstream, log, restart),
      log,
      onRestart: () => metrics.countRestart(),
      onBytes: (n) => metrics.addBytes("upstream_in", n),
    });
  const shared = perSession ? null : newHub(true);
  shared?.start();
  const perSessionHubs = new Set<Hub>();
  const sessions = new SessionTable<ClientSession>();
  const counters: ActivityCounters = {
    currentConnections: 0,
    totalRequests: 0,
    lastRequestAt: null,
  };
  const security: SecurityOptions = {
    allowedOrigins: options.allowedOrigins ?? null,
    allowedHosts: options.allowedHosts ?? defaultAllowedHosts(Deno.env.get("POD_IP")),
    token: options.token ?? null,
  };
  const maxBody = options.maxBody ?? 4 * 1024 * 1024;
  let draining = false;

  const ctx: TransportContext = {
    log,
    sessions,
    maxSessions: options.maxSessions ?? 1000,
    now,
    countMethod: (m) => metrics.countMethod(m),
    sharedHub: () => shared,
    acquireHub: async () => {
      if (shared) return await shared.whenReady(10_000) ? shared : null;
      const hub = newHub(false);
      perSessionHubs.add(hub);
      hub.start();
      if (await hub.whenReady(30_000)) return hub;
      ctx.releaseHub(hub);
      return null;
    },
    releaseHub: (hub) => {
      if (hub === shared || !perSessionHubs.delete(hub)) return;
      hub.close().catch(() => {});
    },
  };

  const idleMs = options.sessionIdleTimeoutMs ?? 1_800_000;
  const sweep = setInterval(() => {
    for (const id of sessions.expired(now(), idleMs)) sessions.get(id)?.end("Session idle timeout");
  }, Math.max(100, Math.min(idleMs / 2, 30_000)));
  Deno.unrefTimer(sweep);

  let readyCache = { at: 0, ok: false };
  const readyz = async (): Promise<Response> => {
    let ok = perSession;
    if (shared) {
      if (now() - readyCache.at > 1000) readyCache = { at: now(), ok: await shared.ping(2000) };
      ok = readyCache.ok && shared.state === "ready";
    }
    return new Response(ok ? "ready\n" : "not ready\n", { status: ok ? 200 : 503 });
  };

  metrics.openSessions = () => sessions.size;
  const metricsResponse = async () => {
    const { text, contentType } = await metrics.render();
    return new Response(text, { headers: { "content-type": contentType } });
  };

  const route = async (req: Request, path: string): Promise<Response> => {
    switch (path) {
      case "/healthz":
        return new Response("ok\n");
      case "/readyz":
        return await readyz();
      case "/metrics":
        return await metricsResponse();
      case "/activity":
        return Response.json(activity());
    }
    if (path !== "/mcp" && path !== "/sse" && path !== "/message") {
      return new Response("not found\n", { status: 404 });
    }
    const denied = guard(req, security);
    if (denied) return denied;
    if (draining) return new Response("draining\n", { status: 503 });
    counters.totalRequests++;
    counters.lastRequestAt = now();
    const len = Number(req.headers.get("content-length") ?? 0);
    if (len > 0) metrics.addBytes("client_in", len);
    if (path === "/mcp") return await handleMcp(req, ctx, maxBody);
    if (path === "/sse") return await handleSseOpen(req, ctx);
    return await handleSseMessage(req, ctx, maxBody);
  };

  const handler = async (req: Request): Promise<Response> => {
    const started = performance.now();
    const path = new URL(req.url).pathname;
    counters.currentConnections++;
    let res: Response;
    try {
      res = await route(req, path);
    } catch (err) {
      log.error("Cannot handle request", { path, error: String(err) });
      res = new Response(
        JSON.stringify({
          jsonrpc: "2.0",
          id: null,
          error: { code: -32603, message: "Internal error" },
        }),
        {
          status: 500,
          headers: { "content-type": "application/json" },
        },
      );
    } finally {
      counters.currentConnections--;
    }
    const p = path === "/mcp" || path === "/sse" || path === "/message" ? path : "other";
    metrics.countHttp(req.method, p, res.status);
    metrics.observe(p, (performance.now() - started) / 1000);
    return res;
  };

  const activity = (): Activity => {
    let streaming = 0;
    for (const s of sessions.values()) if (s.busy()) streaming++;
    const hubState = shared
      ? { state: shared.state, restarts: shared.restarts }
      : { state: "per-session", restarts: 0 };
    return buildActivity(
      { ...counters, currentConnections: counters.currentConnections + streaming },
      sessions.size,
      hubState,
      shared?.initResult ?? null,
    );
  };

  let closed: Promise<void> | null = null;
  const close = () =>
    closed ??= (async () => {
      clearInterval(sweep);
      for (const s of [...sessions.values()]) s.end("Gateway shutting down");
      await Promise.all([shared?.close(), ...[...perSessionHubs].map((h) => h.close())]);
      perSessionHubs.clear();
    })();

  const drain = async (timeoutMs: number) => {
    draining = true;
    const until = now() + timeoutMs;
    while (counters.currentConnections > 0 && now() < until) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await close();
  };

  const whenReady = (ms: number) => shared ? shared.whenReady(ms) : Promise.resolve(true);
  return { handler, activity, whenReady, hub: shared, metrics, drain, close };
}
