/** What every transport gets from the server: sessions, hubs, limits, helpers. */
import { type Id, type Json, type Message } from "../jsonrpc/message.ts";
import type { Caller } from "../../lib/caller.ts";
import type { Logger } from "../../lib/log.ts";
import type { Hub, SessionSink } from "../session/hub.ts";
import type { SessionTable, TableEntry } from "../session/table.ts";

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
  maxSessions: number;
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

/** Reads a request body as text, failing with a 413 response past `max` bytes. */
export async function readBody(req: Request, max: number): Promise<string | Response> {
  const tooBig = () => rpcError(413, -32600, `Request body larger than ${max} bytes`);
  const length = Number(req.headers.get("content-length") ?? NaN);
  if (length > max) {
    await req.body?.cancel();
    return tooBig();
  }
  if (!Number.isNaN(length)) return await req.text();
  if (!req.body) return "";
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const c of req.body) {
    size += c.length;
    if (size > max) return tooBig();
    chunks.push(c);
  }
  const all = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  return new TextDecoder().decode(all);
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

/** Creates an unguessable session id. */
export function newSessionId(): string {
  return crypto.randomUUID().replaceAll("-", "");
}

/** Whether a message is the initialize request. */
export function isInitialize(msg: Message): boolean {
  return msg.method === "initialize" && msg.id !== undefined;
}
