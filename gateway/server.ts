/** The gateway's HTTP handler, composed from security checks, transports, hubs and metrics. */
import { createLogger, type Logger } from "../lib/log.ts";
import { type Activity, type ActivityCounters, buildActivity } from "./activity.ts";
import { GatewayMetrics } from "./metrics.ts";
import {
  authenticate,
  type AuthResult,
  defaultAllowedHosts,
  guard,
  isLoopbackPeer,
  type SecurityOptions,
  unauthorized,
} from "./security/mod.ts";
import type { Hub } from "./session/hub.ts";
import { HubPool } from "./session/hub_pool.ts";
import { SessionTable } from "./session/table.ts";
import {
  type ClientInfo,
  type ClientSession,
  type PeerInfo,
  rpcError,
  type TransportContext,
} from "./transports/context.ts";
import { handleSseMessage, handleSseOpen } from "./transports/sse.ts";
import { handleMcp } from "./transports/streamable_http.ts";
import { BodyReads } from "./transports/body.ts";
import { StatelessCalls } from "./transports/stateless.ts";
import { pathOf } from "./request_url.ts";
import { FifoUpstream } from "./upstream/fifo.ts";
import { HttpUpstream } from "./upstream/http.ts";
import { SseUpstream } from "./upstream/sse.ts";
import { StdioUpstream } from "./upstream/stdio.ts";
import type { Upstream } from "./upstream/types.ts";
import type { ToolPolicy } from "../lib/tool_policy/mod.ts";
import { CALLER_HEADER } from "../lib/caller.ts";
import type { Tracing } from "../lib/trace/mod.ts";
import { type DeclaredCatalog, DeclaredUpstream } from "./declared/mod.ts";

/** Which server the gateway fronts. */
export type UpstreamSpec =
  | { kind: "stdio"; command: string[] }
  | { kind: "fifo"; dir: string }
  | { kind: "http"; url: string }
  | { kind: "sse"; url: string }
  /** No upstream: the declared objects are the whole server (needs `declared`). */
  | { kind: "virtual" };

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
  /** Require the token from the pod's own loopback too (default false: loopback is exempt). */
  loopbackRequiresToken?: boolean;
  /** Per-tool policy (see `compileToolPolicy`); default none. */
  toolPolicy?: ToolPolicy | null;
  /** Largest request body in bytes. Default 4 MiB. */
  maxBody?: number;
  /** Most open sessions. Default 1000. */
  maxSessions?: number;
  /** Most open sessions of one client (verified caller, else peer address). Default 100. */
  maxSessionsPerClient?: number;
  /** A request body not received in full within this many ms gets 408. Default 30 s. */
  bodyTimeoutMs?: number;
  /** Sessions with no request or stream after initialize end after this many ms. Default 60 s. */
  sessionUnusedTimeoutMs?: number;
  /** Idle sessions end after this many ms. Default 30 min. */
  sessionIdleTimeoutMs?: number;
  /** A request without answer or progress from the server for this long fails (-32001). Default 10 min. */
  requestTimeoutMs?: number;
  log?: Logger;
  /** Builds the upstream instead of `upstream` (tests inject in-memory servers). */
  upstreamFactory?: () => Upstream;
  /** Clock in ms, for tests. Default `Date.now`. */
  now?: () => number;
  /** Spans per JSON-RPC request (`loadTracing()`); default none (off). */
  tracing?: Tracing | null;
  /** Declared tools, prompts and resources served beside (or, virtual, instead of) the upstream. */
  declared?: { catalog: DeclaredCatalog; serverName: string } | null;
}

/** A running gateway (not bound to a socket: serve `handler` with `Deno.serve`). */
export interface Gateway {
  /** Serves one request; `info` is Deno.serve's handler info (the peer address). */
  handler: (req: Request, info?: PeerInfo) => Promise<Response>;
  /** The activity report. */
  activity(): Activity;
  /** Resolves true once the (shared) upstream is initialized. */
  whenReady(timeoutMs: number): Promise<boolean>;
  /** The shared hub (null in per-session mode). */
  hub: Hub | null;
  metrics: GatewayMetrics;
  /** Stops taking new work, waits up to `timeoutMs` for in-flight requests (streamed too), then closes. */
  drain(timeoutMs: number): Promise<void>;
  /** Ends all sessions and stops the upstream(s). */
  close(): Promise<void>;
}

const MCP_PATHS = new Set(["/mcp", "/sse", "/message"]);

function makeUpstream(spec: UpstreamSpec, log: Logger, restart: boolean): Upstream | null {
  switch (spec.kind) {
    case "virtual":
      return null;
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

/** The upstream wrapped by the declared objects when there are any (virtual needs them). */
function withDeclared(options: GatewayOptions, inner: Upstream | null, log: Logger): Upstream {
  const declared = options.declared;
  if (declared) return new DeclaredUpstream({ ...declared, inner, log });
  if (!inner) throw new TypeError("Cannot start gateway: --virtual needs --declared-file");
  return inner;
}

class GatewayServer implements Gateway {
  readonly metrics = new GatewayMetrics();
  readonly hub: Hub | null;
  #pool: HubPool;
  #log: Logger;
  #now: () => number;
  #sessions = new SessionTable<ClientSession>();
  /** Open listen streams (2026-07-28), which belong to no session. */
  #listening = 0;
  #counters: ActivityCounters = { currentConnections: 0, totalRequests: 0, lastRequestAt: null };
  #security: SecurityOptions;
  #maxBody: number;
  #ctx: TransportContext;
  #bodies: BodyReads;
  #sweep: ReturnType<typeof setInterval>;
  #bodySweep: ReturnType<typeof setInterval>;
  #ready = { at: -Infinity, ok: false };
  #draining = false;
  #closed: Promise<void> | null = null;

  constructor(options: GatewayOptions) {
    const log = this.#log = options.log ?? createLogger({ component: "gateway" });
    this.#now = options.now ?? Date.now;
    this.#pool = new HubPool({
      perSession: options.perSession === true && options.upstream.kind === "stdio",
      policy: options.toolPolicy ?? null,
      requestTimeoutMs: options.requestTimeoutMs ?? 600_000,
      now: this.#now,
      makeUpstream: (restart) =>
        withDeclared(
          options,
          options.upstreamFactory?.() ?? makeUpstream(options.upstream, log, restart),
          log,
        ),
      log,
      onRestart: () => this.metrics.countRestart(),
      onBytes: (n) => this.metrics.addBytes("upstream_in", n),
      onToolCall: (tool, seconds, error) => this.metrics.observeTool(tool, seconds, error),
      trace: {
        tracing: options.tracing ?? null,
        upstreamTransport: options.upstream.kind === "http" || options.upstream.kind === "sse"
          ? "tcp"
          : "pipe",
      },
    });
    this.hub = this.#pool.shared;
    this.#security = {
      allowedOrigins: options.allowedOrigins ?? null,
      allowedHosts: options.allowedHosts ?? defaultAllowedHosts(Deno.env.get("POD_IP")),
      token: options.token ?? null,
      loopbackExempt: options.loopbackRequiresToken !== true,
    };
    this.#maxBody = options.maxBody ?? 4 * 1024 * 1024;
    const bodyMs = options.bodyTimeoutMs ?? 30_000;
    this.#bodies = new BodyReads(bodyMs, this.#now);
    this.#bodySweep = setInterval(
      () => this.#bodies.sweep(),
      Math.max(10, Math.min(1000, bodyMs / 10)),
    );
    this.#ctx = this.#context(options, log);
    this.metrics.openSessions = () => this.#sessions.size;
    const idleMs = options.sessionIdleTimeoutMs ?? 1_800_000;
    const unusedMs = Math.min(idleMs, options.sessionUnusedTimeoutMs ?? 60_000);
    this.#sweep = setInterval(
      () => this.#expire(idleMs, unusedMs),
      Math.max(100, Math.min(unusedMs / 2, 30_000)),
    );
    Deno.unrefTimer(this.#sweep as unknown as number);
  }

  /** What the transports get from this gateway. */
  #context(options: GatewayOptions, log: Logger): TransportContext {
    return {
      log,
      sessions: this.#sessions,
      bodies: this.#bodies,
      stateless: new StatelessCalls(),
      limits: {
        max: options.maxSessions ?? 1000,
        perClient: options.maxSessionsPerClient ?? 100,
      },
      now: this.#now,
      traced: (options.tracing ?? null) !== null,
      countMethod: (m) => this.metrics.countMethod(m),
      streamOpened: () => {
        this.#listening++;
        return () => void this.#listening--;
      },
      sharedHub: () => this.hub,
      acquireHub: () => this.#pool.acquire(),
      releaseHub: (hub) => this.#pool.release(hub),
    };
  }

  #expire(idleMs: number, unusedMs: number): void {
    for (const id of this.#sessions.expired(this.#now(), idleMs, unusedMs)) {
      this.#sessions.get(id)?.end("Session idle timeout");
    }
  }

  /** Serves one HTTP request; never throws. */
  handler = async (req: Request, info?: PeerInfo): Promise<Response> => {
    const started = performance.now();
    const path = pathOf(req.url);
    const mcp = MCP_PATHS.has(path); // probes and /activity polls are not client connections
    if (mcp) this.#counters.currentConnections++;
    let res: Response;
    try {
      res = await this.#route(req, path, info);
    } catch (err) {
      this.#log.error("Cannot handle request", { path, error: String(err) });
      res = rpcError(500, -32603, "Internal error");
    } finally {
      if (mcp) this.#counters.currentConnections--;
    }
    const p = mcp ? path : "other";
    this.metrics.countHttp(req.method, p, res.status);
    this.metrics.observe(p, (performance.now() - started) / 1000);
    return res;
  };

  /** Admits a request (token, or the pod's own loopback) and names its caller. */
  #authenticate(req: Request, info: PeerInfo | undefined): AuthResult {
    const { token, loopbackExempt } = this.#security;
    const h = req.headers;
    return authenticate({
      token,
      authorization: token === null ? null : h.get("authorization"),
      callerHeader: token === null ? null : h.get(CALLER_HEADER),
      loopbackExempt: loopbackExempt && token !== null &&
        isLoopbackPeer(info?.remoteAddr?.hostname),
    });
  }

  async #route(req: Request, path: string, info: PeerInfo | undefined): Promise<Response> {
    if (path === "/healthz") return new Response("ok\n");
    if (path === "/readyz") return await this.#readyz();
    const mcp = MCP_PATHS.has(path);
    if (!mcp && path !== "/metrics" && path !== "/activity") {
      return new Response("not found\n", { status: 404 });
    }
    const denied = mcp ? guard(req, this.#security) : null;
    if (denied) return denied;
    const auth = this.#authenticate(req, info);
    if (!auth.ok) return unauthorized(auth.message);
    if (path === "/metrics") {
      const { text, contentType } = this.metrics.render();
      return new Response(text, { headers: { "content-type": contentType } });
    }
    if (path === "/activity") return Response.json(this.activity());
    if (this.#draining) return new Response("draining\n", { status: 503 });
    const client: ClientInfo = { caller: auth.caller, verified: auth.verified, peer: info };
    this.#counters.totalRequests++;
    this.#counters.lastRequestAt = this.#now();
    const len = Number(req.headers.get("content-length") ?? 0);
    if (len > 0) this.metrics.addBytes("client_in", len);
    if (path === "/mcp") return await handleMcp(req, this.#ctx, this.#maxBody, client);
    if (path === "/sse") return await handleSseOpen(req, this.#ctx, client);
    return await handleSseMessage(req, this.#ctx, this.#maxBody, client);
  }

  /** 200 only when the upstream is initialized and answered a ping in the last second. */
  async #readyz(): Promise<Response> {
    let ok = this.hub === null; // per-session: processes start on demand
    if (this.hub) {
      if (this.#now() - this.#ready.at > 1000) {
        this.#ready = { at: this.#now(), ok: await this.hub.ping(2000) };
      }
      ok = this.#ready.ok && this.hub.state === "ready";
    }
    return new Response(ok ? "ready\n" : "not ready\n", { status: ok ? 200 : 503 });
  }

  /** The activity report the operator polls. */
  activity(): Activity {
    let streaming = this.#listening;
    for (const s of this.#sessions.values()) streaming += s.openStreams();
    const hub = this.hub;
    const upstream = hub
      ? { state: hub.state, restarts: hub.restarts }
      : { state: "per-session", restarts: 0 };
    const counters = {
      ...this.#counters,
      // A body still arriving is not a live connection yet: a dripping client keeps nothing up.
      currentConnections: this.#counters.currentConnections - this.#bodies.size + streaming,
    };
    return buildActivity(counters, this.#sessions.size, upstream, hub?.initResult ?? null);
  }

  whenReady(ms: number): Promise<boolean> {
    return this.hub ? this.hub.whenReady(ms) : Promise.resolve(true);
  }

  async drain(timeoutMs: number): Promise<void> {
    this.#draining = true;
    const until = this.#now() + timeoutMs;
    // Streamed answers count too: their handler returned, their request is still upstream.
    const busy = () => this.#counters.currentConnections > 0 || this.#pool.pendingRequests() > 0;
    while (busy() && this.#now() < until) {
      await new Promise((r) => setTimeout(r, 50));
    }
    await this.close();
  }

  close(): Promise<void> {
    return this.#closed ??= (async () => {
      clearInterval(this.#sweep);
      clearInterval(this.#bodySweep);
      for (const s of [...this.#sessions.values()]) s.end("Gateway shutting down");
      await this.#pool.close();
    })();
  }
}

/** Creates a gateway: starts the upstream and returns the HTTP handler. */
export function createGateway(options: GatewayOptions): Gateway {
  return new GatewayServer(options);
}
