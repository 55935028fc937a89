/** The legacy HTTP+SSE transport: `GET /sse` stream plus `POST /message?sessionId=…`. */
import { ErrorCode, type Message, parseBody, resultResponse } from "../jsonrpc/message.ts";
import { negotiateVersion } from "../protocol.ts";
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
} from "./context.ts";
import { readBody } from "./body.ts";
import { isJsonContent, SSE_HEADERS } from "./exchange.ts";
import { SseStream } from "./sse_stream.ts";
import { queryParam } from "../request_url.ts";

/** A legacy SSE client session: every message for it goes down its one stream. */
export class LegacySession implements ClientSession {
  readonly id: string;
  readonly hub: Hub;
  readonly stream: SseStream;
  readonly client: string;
  lastActive: number;
  /** A legacy session is used as long as its stream is open (it is busy then). */
  used = true;
  #ctx: TransportContext;
  #ended = false;

  constructor(id: string, hub: Hub, client: string, ctx: TransportContext) {
    this.id = id;
    this.hub = hub;
    this.client = client;
    this.#ctx = ctx;
    this.lastActive = ctx.now();
    this.stream = new SseStream(id, { onDisconnect: () => this.end(), heartbeatMs: 25_000 });
  }

  /** Whether the stream is connected. */
  busy(): boolean {
    return this.stream.connected;
  }

  /** One while the stream is connected. */
  openStreams(): number {
    return this.stream.connected ? 1 : 0;
  }

  /** Sends a message down the stream. */
  deliver(msg: Message): boolean {
    if (!this.stream.connected) return false;
    this.stream.send(msg);
    return true;
  }

  /** Handles client messages posted to `/message`. */
  post(msgs: Message[], caller: Caller, parent?: Carrier): void {
    this.lastActive = this.#ctx.now();
    for (const m of msgs) {
      this.#ctx.countMethod(m.method ?? "response");
      if (isInitialize(m) && this.hub.initResult) {
        const version = negotiateVersion(
          m.params?.protocolVersion,
          this.hub.initResult.protocolVersion as string,
        );
        this.stream.send(resultResponse(m.id, initializeResult(this.hub.initResult, version)));
      } else {
        this.hub.fromClient(this.id, m, caller, parent);
      }
    }
  }

  /** Ends the session from the hub side. */
  close(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#ctx.sessions.delete(this.id);
    this.stream.end();
    this.#ctx.releaseHub(this.hub);
  }

  /** Ends the session from the client or gateway side. */
  end(): void {
    this.hub.detach(this.id);
    this.close();
  }
}

/** Handles `GET /sse`: opens a session and announces its message endpoint. */
export async function handleSseOpen(
  req: Request,
  ctx: TransportContext,
  client: ClientInfo,
): Promise<Response> {
  if (req.method !== "GET") return new Response(null, { status: 405, headers: { allow: "GET" } });
  const key = clientKey(client);
  const refused = admitSession(ctx, key);
  if (refused) return refused;
  const hub = await ctx.acquireHub();
  if (!hub?.initResult) {
    if (hub) ctx.releaseHub(hub);
    return rpcError(503, ErrorCode.ConnectionClosed, "Cannot create session: upstream not ready");
  }
  const session = new LegacySession(newSessionId(), hub, key, ctx);
  ctx.sessions.set(session.id, session);
  hub.attach(session.id, session);
  const body = session.stream.connect();
  session.stream.event("endpoint", `/message?sessionId=${session.id}`);
  return new Response(body, { headers: SSE_HEADERS });
}

/** Handles `POST /message?sessionId=…`: 202, and the answer arrives on the stream. */
export async function handleSseMessage(
  req: Request,
  ctx: TransportContext,
  maxBody: number,
  client: ClientInfo,
): Promise<Response> {
  if (req.method !== "POST") return new Response(null, { status: 405, headers: { allow: "POST" } });
  const sid = queryParam(req.url, "sessionId");
  if (!sid) return rpcError(400, ErrorCode.InvalidRequest, "Missing sessionId");
  const session = ctx.sessions.get(sid);
  if (!(session instanceof LegacySession)) {
    await req.body?.cancel();
    return rpcError(
      404,
      ErrorCode.InvalidRequest,
      `Cannot find session "${sid}": unknown or ended`,
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
  session.post(parsed.messages, client.caller, ctx.traced ? headerCarrier(req.headers) : undefined);
  return new Response("Accepted", { status: 202 });
}
