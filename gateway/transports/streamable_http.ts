/** The Streamable HTTP transport at `/mcp` (revisions 2025-03-26, 2025-06-18, 2025-11-25). */
import {
  ErrorCode,
  type Id,
  type Message,
  metaOf,
  parseBody,
  resultResponse,
} from "../jsonrpc/message.ts";
import {
  ALL_VERSIONS,
  allowsBatch,
  META_VERSION,
  negotiateVersion,
  STATELESS_VERSION,
} from "../protocol.ts";
import { accepts, parseAccept } from "../media_type.ts";
import type { Hub } from "../session/hub.ts";
import type { Caller } from "../../lib/caller.ts";
import { type Carrier, headerCarrier } from "../../lib/trace/mod.ts";
import {
  admitSession,
  type ClientInfo,
  clientKey,
  type ClientSession,
  initializeResult,
  isInitialize,
  jsonResponse,
  newSessionId,
  rpcError,
  type TransportContext,
  whenClientGone,
} from "./context.ts";
import { readBody } from "./body.ts";
import { Exchange, isJsonContent, type ReplyMode, replyMode, SSE_HEADERS } from "./exchange.ts";
import { parseEventId, SseStream } from "./sse_stream.ts";
import { handleStateless, unsupportedVersion } from "./stateless.ts";

const SESSION = "mcp-session-id";
const VERSION = "mcp-protocol-version";
const HISTORY = 100;
const MAX_STREAMS = 16;
/** Comment keep-alive on long-lived streams. */
export const HEARTBEAT_MS = 25_000;

/** How one POST to a session is answered, who sent it, and the request (for disconnects). */
export interface PostOptions {
  mode: ReplyMode;
  batch: boolean;
  caller: Caller;
  req: Request;
  /** The request's trace context (only when tracing is on). */
  parent?: Carrier;
}

/** The 400 answer to a request reusing the id of one in flight (the first keeps its slot). */
function duplicateId(id: Id): Response {
  const text = `Cannot accept request id ${JSON.stringify(id)}: ` +
    "a request with that id is in flight in this session";
  return rpcError(400, ErrorCode.InvalidRequest, text, id);
}

/** A Streamable HTTP client session. */
export class StreamableSession implements ClientSession {
  readonly id: string;
  readonly hub: Hub;
  readonly version: string;
  readonly client: string;
  lastActive: number;
  /** Whether the client sent a request or opened a stream after initialize. */
  used = false;
  #ctx: TransportContext;
  #exchanges = new Map<Id, Exchange>();
  #get: SseStream | null = null;
  #streams = new Map<string, SseStream>();
  #nextStream = 0;
  #ended = false;

  constructor(id: string, hub: Hub, version: string, client: string, ctx: TransportContext) {
    this.id = id;
    this.hub = hub;
    this.version = version;
    this.client = client;
    this.#ctx = ctx;
    this.lastActive = ctx.now();
  }

  /** Whether a stream is connected or a request is pending. */
  busy(): boolean {
    return this.#exchanges.size > 0 || (this.#get?.connected ?? false);
  }

  /** Connected streams: the GET stream and POST answers streamed as SSE. */
  openStreams(): number {
    let n = 0;
    for (const s of this.#streams.values()) if (s.connected) n++;
    return n;
  }

  /** Delivers a message from the hub to the POST stream it belongs to, else the GET stream. */
  deliver(msg: Message, related?: Id): boolean {
    const isResponse = msg.method === undefined;
    if (related !== undefined) {
      const ex = this.#exchanges.get(related);
      if (ex && ex.take(msg, isResponse)) {
        if (isResponse) this.#exchanges.delete(related);
        return true;
      }
    }
    if (isResponse || !this.#get) return false;
    this.#get.send(msg); // kept for Last-Event-ID replay even while disconnected
    return this.#get.connected;
  }

  /** Creates a new resumable stream of this session. */
  newStream(heartbeatMs?: number): SseStream {
    const id = `${this.id.slice(0, 8)}${this.#nextStream++}`;
    const s = new SseStream(id, { history: HISTORY, heartbeatMs });
    this.#streams.set(s.id, s);
    if (this.#streams.size > MAX_STREAMS) {
      for (const [id, old] of this.#streams) {
        if (old.ended && old !== s) {
          this.#streams.delete(id);
          break;
        }
      }
    }
    return s;
  }

  /** Posts client messages: requests get an exchange, the rest is routed at once. */
  post(msgs: Message[], opts: PostOptions): Response | Promise<Response> {
    this.lastActive = this.#ctx.now();
    const ids = msgs.filter((m) => m.method !== undefined && m.id !== undefined).map((m) =>
      m.id as Id
    );
    if (ids.length > 0) this.used = true;
    const dup = ids.find((id, i) => this.#exchanges.has(id) || ids.indexOf(id) !== i);
    if (dup !== undefined) return duplicateId(dup);
    let ex: Exchange | undefined;
    if (ids.length > 0) {
      const exOpts = { mode: opts.mode, batch: opts.batch, headers: { [SESSION]: this.id } };
      ex = new Exchange(ids, exOpts, () => this.newStream());
      for (const id of ids) this.#exchanges.set(id, ex);
    }
    for (const m of msgs) {
      this.#ctx.countMethod(m.method ?? "response");
      this.hub.fromClient(this.id, m, opts.caller, opts.parent);
    }
    if (!ex) return new Response(null, { status: 202 });
    if (ex.done) return ex.response;
    const exchange = ex;
    const stop = whenClientGone(opts.req, () => this.#abandon(exchange));
    return ex.response.finally(stop);
  }

  /** The client left before a JSON answer: cancel its requests upstream, free their ids. */
  #abandon(ex: Exchange): void {
    if (ex.streaming || ex.done || this.#ended) return;
    for (const id of ex.ids) {
      if (this.#exchanges.get(id) !== ex) continue;
      this.#exchanges.delete(id);
      this.hub.cancel(this.id, id, "Client went away");
    }
    ex.abort("Client went away");
  }

  /** Opens the GET stream, or resumes a stream after `Last-Event-ID`. */
  get(lastEventId: string | null): Response {
    this.lastActive = this.#ctx.now();
    this.used = true;
    const headers = { ...SSE_HEADERS, [SESSION]: this.id };
    const resume = parseEventId(lastEventId);
    if (resume) {
      const s = this.#streams.get(resume.stream);
      if (!s) {
        return rpcError(404, ErrorCode.InvalidRequest, "Cannot resume stream: unknown event id");
      }
      return new Response(s.connect(resume.n), { headers });
    }
    if (this.#get?.connected) {
      return rpcError(409, ErrorCode.InvalidRequest, "Cannot open stream: one is already open");
    }
    this.#get ??= this.newStream(HEARTBEAT_MS);
    return new Response(this.#get.connect(), { headers });
  }

  /** Ends the session from the hub side (upstream died, shutdown). */
  close(reason: string): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#ctx.sessions.delete(this.id);
    for (const ex of new Set(this.#exchanges.values())) ex.abort(reason);
    this.#exchanges.clear();
    for (const s of this.#streams.values()) s.end();
    this.#get = null;
    this.#ctx.releaseHub(this.hub);
  }

  /** Ends the session from the client or gateway side (DELETE, expiry). */
  end(reason: string): void {
    this.hub.detach(this.id);
    this.close(reason);
  }
}

/** Handles any request to `/mcp`. */
export function handleMcp(
  req: Request,
  ctx: TransportContext,
  maxBody: number,
  client: ClientInfo,
): Promise<Response> | Response {
  switch (req.method) {
    case "POST":
      return handlePost(req, ctx, maxBody, client);
    case "GET":
      return handleGet(req, ctx);
    case "DELETE":
      return handleDelete(req, ctx);
  }
  return new Response(null, { status: 405, headers: { allow: "GET, POST, DELETE" } });
}

function checkVersion(v: string | null, id?: Id | null): Response | null {
  return v === null || ALL_VERSIONS.includes(v) ? null : unsupportedVersion(v, id);
}

function findSession(req: Request, ctx: TransportContext): StreamableSession | Response {
  const sid = req.headers.get(SESSION);
  if (sid === null) return rpcError(400, ErrorCode.InvalidRequest, "Missing Mcp-Session-Id header");
  const s = ctx.sessions.get(sid);
  if (!(s instanceof StreamableSession)) {
    return rpcError(
      404,
      ErrorCode.InvalidRequest,
      `Cannot find session "${sid}": unknown or ended`,
    );
  }
  return s;
}

function isStateless(version: string | null, msgs: Message[]): boolean {
  if (version === STATELESS_VERSION) return true;
  return msgs.length === 1 && metaOf(msgs[0])?.[META_VERSION] === STATELESS_VERSION;
}

async function handlePost(
  req: Request,
  ctx: TransportContext,
  maxBody: number,
  client: ClientInfo,
): Promise<Response> {
  const mode = replyMode(req.headers.get("accept"));
  if (mode === null) {
    return rpcError(
      406,
      ErrorCode.InvalidRequest,
      "Accept must include application/json or text/event-stream",
    );
  }
  if (!isJsonContent(req.headers.get("content-type"))) {
    await req.body?.cancel();
    return rpcError(415, ErrorCode.InvalidRequest, "Content-Type must be application/json");
  }
  const text = await readBody(req, maxBody, ctx.bodies);
  if (text instanceof Response) return text;
  const parsed = parseBody(text);
  if (!parsed.ok) return jsonResponse(parsed.error, 400);
  const { messages, batch } = parsed;
  const version = req.headers.get(VERSION);
  const bad = checkVersion(version, messages[0].id);
  if (bad) return bad;
  if (isStateless(version, messages)) {
    return handleStateless(req, messages, batch, ctx, { mode, caller: client.caller });
  }
  const init = messages.find(isInitialize);
  if (init) {
    if (messages.length > 1) {
      return rpcError(400, ErrorCode.InvalidRequest, "Initialize must not be batched", init.id);
    }
    return await initialize(init, ctx, mode, clientKey(client));
  }
  const session = findSession(req, ctx);
  if (session instanceof Response) return session;
  if (batch && !allowsBatch(session.version)) {
    return rpcError(400, ErrorCode.InvalidRequest, `Batches are not allowed in ${session.version}`);
  }
  const parent = ctx.traced ? headerCarrier(req.headers) : undefined;
  return session.post(messages, { mode, batch, caller: client.caller, req, parent });
}

async function initialize(
  msg: Message,
  ctx: TransportContext,
  mode: ReplyMode,
  client: string,
): Promise<Response> {
  const refused = admitSession(ctx, client, msg.id);
  if (refused) return refused;
  ctx.countMethod("initialize");
  const hub = await ctx.acquireHub();
  if (!hub?.initResult) {
    return rpcError(
      503,
      ErrorCode.ConnectionClosed,
      "Cannot create session: upstream not ready",
      msg.id,
    );
  }
  const late = ctx.sessions.size >= ctx.limits.max ? admitSession(ctx, client, msg.id) : null;
  if (late) {
    ctx.releaseHub(hub);
    return late;
  }
  const version = negotiateVersion(
    msg.params?.protocolVersion,
    hub.initResult.protocolVersion as string,
  );
  const session = new StreamableSession(newSessionId(), hub, version, client, ctx);
  ctx.sessions.set(session.id, session);
  hub.attach(session.id, session);
  const body = resultResponse(msg.id, initializeResult(hub.initResult, version));
  const headers = { [SESSION]: session.id };
  if (mode !== "sse") return jsonResponse(body, 200, headers);
  const s = session.newStream();
  const res = new Response(s.connect(), { headers: { ...SSE_HEADERS, ...headers } });
  s.send(body);
  s.end();
  return res;
}

function handleGet(req: Request, ctx: TransportContext): Response {
  if (req.headers.get(VERSION) === STATELESS_VERSION) {
    return new Response(null, { status: 405, headers: { allow: "POST" } });
  }
  if (!accepts(parseAccept(req.headers.get("accept")), "text/event-stream")) {
    return rpcError(406, ErrorCode.InvalidRequest, "Accept must include text/event-stream");
  }
  const bad = checkVersion(req.headers.get(VERSION));
  if (bad) return bad;
  const session = findSession(req, ctx);
  if (session instanceof Response) return session;
  return session.get(req.headers.get("last-event-id"));
}

function handleDelete(req: Request, ctx: TransportContext): Response {
  const session = findSession(req, ctx);
  if (session instanceof Response) return session;
  session.end("Session deleted by client");
  return new Response(null, { status: 200 });
}
