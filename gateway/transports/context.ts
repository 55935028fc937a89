/** What every transport gets from the server: sessions, hubs, limits, helpers. */
import { ErrorCode, type Id, type Json, type Message } from "../jsonrpc/message.ts";
import type { Caller } from "../../lib/caller.ts";
import type { Logger } from "../../lib/log.ts";
import type { Hub, SessionSink } from "../session/hub.ts";
import type { SessionLimits, SessionTable, TableEntry } from "../session/table.ts";
import type { BodyReads } from "./body.ts";
import type { StatelessCalls } from "./stateless.ts";

/** What Deno.serve tells a handler about the connection (its `ServeHandlerInfo`). */
export interface PeerInfo {
  readonly remoteAddr?: { readonly hostname?: string };
}

/** Who sent one HTTP request, as the server established it. */
export interface ClientInfo {
  caller: Caller;
  /** Whether the caller came from the router's header next to the valid token. */
  verified: boolean;
  peer: PeerInfo | undefined;
}

/** The identity per-client limits count by: a verified username, else the peer address. */
export function clientKey(client: ClientInfo): string {
  if (client.verified) return `user:${client.caller.username}`;
  return `peer:${client.peer?.remoteAddr?.hostname ?? "unknown"}`;
}

/** A client session of any transport, as kept in the session table. */
export interface ClientSession extends TableEntry, SessionSink {
  readonly id: string;
  readonly hub: Hub;
  /** Ends the session from the gateway side (DELETE, expiry, shutdown). */
  end(reason: string): void;
  /** How many SSE response streams of this session are connected now. */
  openStreams(): number;
}

/** Shared state and services the transports use. */
export interface TransportContext {
  log: Logger;
  sessions: SessionTable<ClientSession>;
  limits: SessionLimits;
  /** Request bodies being read (cut off when too slow). */
  bodies: BodyReads;
  /** The stateless (2026-07-28) calls of this gateway. */
  stateless: StatelessCalls;
  /** Gets a ready hub for a new session (shared, or a fresh one per session); null if none. */
  acquireHub(): Promise<Hub | null>;
  /** Releases a hub when its session ended (per-session mode closes it). */
  releaseHub(hub: Hub): void;
  /** The shared hub (stateless requests use it); null in per-session mode. */
  sharedHub(): Hub | null;
  /** Counts a stream outside any session as open; call the returned function once, at its end. */
  streamOpened(): () => void;
  /** Counts one JSON-RPC method call for metrics. */
  countMethod(method: string): void;
  /** Current time in ms. */
  now(): number;
  /** Whether requests are traced (then transports pass on the HTTP trace context). Default false. */
  traced?: boolean;
}

const JSON_HEADERS = { "content-type": "application/json" };

/** A JSON response (`headers` are added to its Content-Type). */
export function jsonResponse(
  body: unknown,
  status = 200,
  headers?: Record<string, string>,
): Response {
  const all = headers ? { "content-type": "application/json", ...headers } : JSON_HEADERS;
  return new Response(JSON.stringify(body), { status, headers: all });
}

/** A JSON-RPC error in an HTTP error response. */
export function rpcError(status: number, code: number, message: string, id?: Id | null): Response {
  return jsonResponse({ jsonrpc: "2.0", id: id ?? null, error: { code, message } }, status);
}

/** Builds the initialize result a client gets from the upstream's cached one. */
export function initializeResult(cached: Json, version: string): Json {
  return { ...cached, protocolVersion: version };
}

/**
 * Calls `fn` when the client goes away before `stop()`. It looks at `req.signal` only after
 * `delayMs`: in Deno.serve a request whose signal was touched ends with a DOMException (~16 µs
 * per request, measured), and a quick call is answered before a disconnect could matter.
 */
export function whenClientGone(req: Request, fn: () => void, delayMs = 100): () => void {
  let signal: AbortSignal | null = null;
  const timer = setTimeout(() => {
    signal = req.signal;
    if (signal.aborted) fn();
    else signal.addEventListener("abort", fn, { once: true });
  }, delayMs);
  return () => {
    clearTimeout(timer);
    signal?.removeEventListener("abort", fn);
  };
}

/**
 * Makes room for a new session of `client` (ending the idle sessions the table picks); returns
 * the refusal (429, 503) when no room can be made.
 */
export function admitSession(
  ctx: TransportContext,
  client: string,
  id?: Id | null,
): Response | null {
  const a = ctx.sessions.admit(client, ctx.limits);
  if (!a.ok) return rpcError(a.status, ErrorCode.ConnectionClosed, a.message, id);
  for (const sid of a.evict) ctx.sessions.get(sid)?.end("Session evicted for a new one");
  return null;
}

/** Creates an unguessable session id. */
export function newSessionId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/** Whether a message is the initialize request. */
export function isInitialize(msg: Message): boolean {
  return msg.method === "initialize" && msg.id !== undefined;
}
