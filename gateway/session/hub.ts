/**
 * The hub joins client sessions to one upstream: it initializes the upstream once, caches the
 * result, routes messages through the {@linkcode Router} and ends sessions when it dies.
 */
import { ErrorCode, errorResponse, type Id, type Json, type Message } from "../jsonrpc/message.ts";
import type { Caller } from "../../lib/caller.ts";
import type { Logger } from "../../lib/log.ts";
import type { ToolPolicy } from "../../lib/tool_policy/mod.ts";
import { SESSION_VERSIONS } from "../protocol.ts";
import type { Upstream, UpstreamState } from "../upstream/types.ts";
import type { Carrier, Tracing } from "../../lib/trace/mod.ts";
import { type Action, Router } from "./router.ts";
import { MessageTraces } from "./traces.ts";
import { RELEASE } from "../../lib/version.ts";

/** How the hub knows where a delivered message belongs. */
export interface DeliveryRoute {
  /** A server request given to the session's only call in flight, without a related id. */
  inferred?: boolean;
}

/** Where the hub delivers messages for one client session. */
export interface SessionSink {
  /** One message for the client (`related`: the client request it belongs to); false if dropped. */
  deliver(msg: Message, related?: Id, route?: DeliveryRoute): boolean;
  /** The session ended on the gateway side (upstream died, expiry, shutdown). */
  close(reason: string): void;
  /** The session's protocol version, when it has one (for traces). */
  readonly version?: string;
}

/** State of the upstream as the hub sees it. */
export type HubState = "starting" | "initializing" | "ready" | "down" | "failed" | "closed";

/** Options of {@linkcode Hub}. */
export interface HubOptions {
  upstream: Upstream;
  log: Logger;
  /** Called when the upstream went down and will restart. */
  onRestart?: () => void;
  /** Bytes received from the upstream. */
  onBytes?: (n: number) => void;
  /** How long an ambiguous server request waits for its session to become clear. Default 10 s. */
  deferMs?: number;
  /** Timeout of the gateway's own initialize, in ms. Default 30 s. */
  initTimeoutMs?: number;
  /** Per-tool policy applied to `tools/call` and `tools/list`; default none. */
  policy?: ToolPolicy | null;
  /** A client request without answer or progress for this long fails with -32001. Default 10 min. */
  requestTimeoutMs?: number;
  /** Clock in ms. Default `Date.now`. */
  now?: () => number;
  /** An answered or refused `tools/call`: the tool name sent, seconds to the answer, failed. */
  onToolCall?: (tool: unknown, seconds: number, error: boolean) => void;
  /** Spans per client request (see `MessageTraces`); default none. */
  tracing?: Tracing | null;
  /** How the upstream is reached, for traces: `pipe` (stdio, FIFOs) or `tcp`. Default `pipe`. */
  upstreamTransport?: "tcp" | "pipe";
}

const INIT_RETRY_MS = 5000;

const INIT_PARAMS = {
  protocolVersion: SESSION_VERSIONS[0],
  capabilities: { roots: { listChanged: true }, sampling: {}, elicitation: {} },
  clientInfo: { name: "nmcp-gateway", version: RELEASE },
};

/** Who a request is checked as when a transport gave no caller (rules see an empty name). */
const UNKNOWN_CALLER: Caller = { username: "", groups: [], source: "local" };

/** The key of a client request of one session (Map keys keep 1 and "1" apart; so does this). */
function listKey(sid: string, id: Id): string {
  return `${sid}\n${typeof id}:${id}`;
}

/** Multiplexes sessions over one upstream. */
export class Hub {
  state: HubState = "starting";
  restarts = 0;
  /** The upstream's initialize result, once known. */
  initResult: Json | null = null;
  #opts: HubOptions;
  #router: Router;
  #sweep: ReturnType<typeof setInterval> | undefined;
  #sinks = new Map<string, SessionSink>();
  #internal = new Map<string, (msg: Message | null) => void>();
  #nextInternal = 1;
  #waiters = new Set<() => void>();
  #timers = new Set<ReturnType<typeof setTimeout>>();
  #policy: ToolPolicy | null;
  /** Callers of `tools/list` requests in flight (only with a policy), by session and id. */
  #listing = new Map<string, Caller>();
  /** `tools/call` requests in flight (only with `onToolCall`), by session and id. */
  #calls = new Map<string, { tool: unknown; t0: number }>();
  /** Open spans of client requests; null when tracing is off. */
  #traces: MessageTraces | null;

  constructor(opts: HubOptions) {
    this.#opts = opts;
    this.#policy = opts.policy ?? null;
    this.#traces = opts.tracing
      ? new MessageTraces(opts.tracing, opts.upstreamTransport ?? "pipe")
      : null;
    this.#router = new Router({ now: opts.now });
  }

  /** Starts the upstream and the request-timeout sweep. */
  start(): void {
    const timeout = this.#opts.requestTimeoutMs ?? 600_000;
    const now = this.#opts.now ?? Date.now;
    const reason = `Request timed out: no answer from the server in ${timeout / 1000} s`;
    this.#sweep = setInterval(
      () => this.#dispatch(this.#router.expire(now() - timeout, reason)),
      Math.max(10, Math.min(1000, timeout / 10)),
    ); // kept referenced: a pending request is work the process must finish; close() clears it
    this.#opts.upstream.start({
      message: (msg) => this.#fromUpstream(msg),
      connected: () => void this.#initialize(),
      down: (reason, restarting) => this.#down(reason, restarting),
      bytes: (n) => this.#opts.onBytes?.(n),
    });
  }

  /** Requests sent upstream and not answered yet (what a drain waits for). */
  get pendingRequests(): number {
    return this.#router.pendingCount;
  }

  async #initialize(): Promise<void> {
    if (this.state === "closed") return;
    this.state = "initializing";
    const res = await this.request("initialize", INIT_PARAMS, this.#opts.initTimeoutMs ?? 30_000);
    if (this.state !== "initializing") return;
    if (!res || res.error || typeof res.result !== "object") {
      this.#opts.log.error("Cannot initialize upstream", { error: res?.error ?? "timeout" });
      this.state = "failed";
      // Try again later: the server may still be starting (HTTP) or recover.
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        if (this.state === "failed") void this.#initialize();
      }, INIT_RETRY_MS);
      this.#timers.add(timer);
      return;
    }
    this.initResult = res.result as Json;
    this.#send({ jsonrpc: "2.0", method: "notifications/initialized" });
    this.state = "ready";
    this.#opts.log.info("Upstream ready", { serverInfo: this.initResult.serverInfo });
    for (const w of this.#waiters) w();
    this.#waiters.clear();
  }

  /** Sends the gateway's own request upstream; resolves with the response or null on timeout. */
  request(method: string, params: Json | undefined, timeoutMs: number): Promise<Message | null> {
    const id = `gw:${this.#nextInternal++}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), timeoutMs);
      const done = (msg: Message | null) => {
        clearTimeout(timer);
        this.#internal.delete(id);
        resolve(msg);
      };
      this.#internal.set(id, done);
      const msg: Message = { jsonrpc: "2.0", id, method };
      if (params) msg.params = params;
      if (!this.#send(msg)) done(null);
    });
  }

  /** Resolves true once the upstream is initialized, false after `timeoutMs`. */
  whenReady(timeoutMs: number): Promise<boolean> {
    if (this.state === "ready") return Promise.resolve(true);
    if (this.state === "closed") return Promise.resolve(false);
    return new Promise((resolve) => {
      const w = () => {
        clearTimeout(timer);
        this.#waiters.delete(w);
        resolve(this.state === "ready");
      };
      const timer = setTimeout(w, timeoutMs);
      this.#waiters.add(w);
    });
  }

  /** Whether the upstream answers a ping within `timeoutMs`. */
  async ping(timeoutMs: number): Promise<boolean> {
    if (this.state !== "ready") return false;
    const res = await this.request("ping", undefined, timeoutMs);
    return res !== null && res.error === undefined;
  }

  /** Attaches a client session. */
  attach(sid: string, sink: SessionSink): void {
    this.#sinks.set(sid, sink);
    this.#router.addSession(sid);
  }

  /** Detaches a client session, cancelling what it left behind upstream. */
  detach(sid: string): void {
    if (!this.#sinks.delete(sid)) return;
    this.#traces?.abandon(sid, undefined, "Session ended");
    for (const map of [this.#listing, this.#calls]) {
      for (const key of map.keys()) if (key.startsWith(`${sid}\n`)) map.delete(key);
    }
    this.#dispatch(this.#router.removeSession(sid));
  }

  /** Cancels a client request upstream (its client went away) and forgets it. */
  cancel(sid: string, id: Id, reason: string): void {
    this.#traces?.abandon(sid, id, reason);
    this.#dispatch(this.#router.cancel(sid, id, reason));
  }

  /**
   * Routes one message from a client session; `caller` is who sent it (for the tool policy),
   * `parent` the trace context of the HTTP request that carried it (when tracing is on).
   */
  fromClient(sid: string, msg: Message, caller?: Caller, parent?: Carrier): void {
    if (this.#traces !== null && msg.method !== undefined && msg.id != null) {
      msg = this.#traces.begin(sid, msg, parent, this.#sinks.get(sid)?.version);
    }
    if (this.state !== "ready") {
      if (msg.id !== undefined && msg.method !== undefined) {
        const err = errorResponse(msg.id, ErrorCode.ConnectionClosed, "Upstream not ready");
        this.#traces?.end(sid, msg.id as Id, err);
        this.#sinks.get(sid)?.deliver(err, msg.id as Id);
      }
      return;
    }
    if (this.#policy === null) return this.#route(sid, msg);
    const who = caller ?? UNKNOWN_CALLER;
    if (!this.#admit(sid, msg, who)) return;
    const actions = this.#router.fromClient(sid, msg);
    this.#track(sid, msg, actions);
    // Remember who lists tools only once the request went up (not for a refused duplicate id).
    if (msg.method === "tools/list" && msg.id != null && actions[0]?.to === "upstream") {
      this.#listing.set(listKey(sid, msg.id as Id), who);
    }
    this.#dispatch(actions);
  }

  /** Applies the tool policy to a call: refuses (-32602) what it forbids. */
  #admit(sid: string, msg: Message, caller: Caller): boolean {
    if (msg.id === undefined || msg.id === null || msg.method !== "tools/call") return true;
    const why = this.#policy!.checkCall(caller, msg.params?.name, msg.params?.arguments);
    if (why === null) return true;
    this.#opts.onToolCall?.(msg.params?.name, 0, true);
    const err = errorResponse(msg.id, ErrorCode.InvalidParams, why);
    this.#traces?.end(sid, msg.id, err);
    this.#sinks.get(sid)?.deliver(err, msg.id);
    return false;
  }

  #route(sid: string, msg: Message): void {
    const actions = this.#router.fromClient(sid, msg);
    this.#track(sid, msg, actions);
    this.#dispatch(actions);
  }

  /** Notes the start of a `tools/call` that went upstream (for `onToolCall`). */
  #track(sid: string, msg: Message, actions: Action[]): void {
    if (!this.#opts.onToolCall || msg.method !== "tools/call" || msg.id == null) return;
    if (actions[0]?.to !== "upstream") return;
    this.#calls.set(listKey(sid, msg.id as Id), { tool: msg.params?.name, t0: performance.now() });
  }

  /** Reports the answer of a tracked `tools/call`. */
  #answered(sid: string, related: Id, msg: Message): void {
    const key = listKey(sid, related);
    const call = this.#calls.get(key);
    if (!call) return;
    this.#calls.delete(key);
    const failed = msg.error !== undefined ||
      (msg.result as { isError?: unknown } | undefined)?.isError === true;
    this.#opts.onToolCall!(call.tool, (performance.now() - call.t0) / 1000, failed);
  }

  /** Hides from a `tools/list` answer what the policy does not show its caller. */
  #filterList(sid: string, msg: Message, related: Id): Message {
    const key = listKey(sid, related);
    const caller = this.#listing.get(key);
    if (caller === undefined) return msg;
    this.#listing.delete(key);
    const result = msg.result as { tools?: unknown } | undefined;
    if (!result || !Array.isArray(result.tools)) return msg;
    const policy = this.#policy!;
    const tools = result.tools.filter((t) => policy.shows(caller, (t as { name?: unknown })?.name));
    return { ...msg, result: { ...result, tools } };
  }

  #fromUpstream(msg: Message): void {
    if (typeof msg.id === "string" && msg.method === undefined) {
      const internal = this.#internal.get(msg.id);
      if (internal) return internal(msg);
    }
    this.#dispatch(this.#router.fromUpstream(msg));
  }

  #dispatch(actions: Action[]): void {
    for (const a of actions) {
      if (a.to === "deferred") this.#deferTimer(a.msg);
      else if (a.to === "upstream") this.#send(a.msg);
      else {
        if (this.#calls.size > 0 && a.related !== undefined && a.msg.method === undefined) {
          this.#answered(a.sid, a.related, a.msg);
        }
        const msg = this.#listing.size > 0 && a.related !== undefined && a.msg.method === undefined
          ? this.#filterList(a.sid, a.msg, a.related)
          : a.msg;
        if (this.#traces !== null && a.related !== undefined && msg.method === undefined) {
          this.#traces.end(a.sid, a.related, msg);
        }
        const route = a.inferred ? { inferred: true } : undefined;
        if (!this.#sinks.get(a.sid)?.deliver(msg, a.related, route)) {
          this.#undeliverable(a.sid, msg);
        }
      }
    }
  }

  /** Refuses a deferred server request still ambiguous after `deferMs`. */
  #deferTimer(msg: Message): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#dispatch(this.#router.refuseDeferred(msg.id as Id));
    }, this.#opts.deferMs ?? 10_000);
    this.#timers.add(timer);
  }

  /** A server request nobody can receive is refused upstream instead of left hanging. */
  #undeliverable(sid: string, msg: Message): void {
    if (msg.method === undefined || msg.id === undefined) return;
    const text = `Cannot deliver request "${msg.method}": the client has no open stream`;
    this.#dispatch(
      this.#router.fromClient(sid, errorResponse(msg.id, ErrorCode.InternalError, text)),
    );
  }

  #send(msg: Message): boolean {
    return this.#opts.upstream.send(msg);
  }

  #down(reason: string, restarting: boolean): void {
    if (this.state === "closed") return;
    this.#opts.log.warn("Upstream down", { reason, restarting });
    const wasReady = this.state === "ready";
    this.state = restarting ? "down" : "failed";
    this.initResult = null;
    if (restarting && wasReady) {
      this.restarts++;
      this.#opts.onRestart?.();
    }
    for (const done of [...this.#internal.values()]) done(errorResponse(null, -32000, reason));
    this.#dispatch(this.#router.failAll(`Upstream closed: ${reason}`));
    this.#endSessions(`Upstream closed: ${reason}`);
  }

  #endSessions(reason: string): void {
    const sinks = [...this.#sinks];
    this.#sinks.clear();
    this.#listing.clear();
    this.#calls.clear();
    this.#router = new Router({ now: this.#opts.now });
    for (const [, sink] of sinks) sink.close(reason);
  }

  /** Ends all sessions and stops the upstream. */
  async close(): Promise<void> {
    this.state = "closed";
    clearInterval(this.#sweep);
    for (const t of this.#timers) clearTimeout(t);
    this.#timers.clear();
    for (const w of [...this.#waiters]) w();
    for (const done of [...this.#internal.values()]) done(null);
    this.#endSessions("Gateway shutting down");
    await this.#opts.upstream.close();
  }

  /** Upstream connection state for activity reports. */
  get upstreamState(): UpstreamState | HubState {
    return this.state;
  }
}
