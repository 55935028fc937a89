/**
 * The stateless 2026-07-28 revision on `/mcp` (rules from the specification's
 * `schema/2026-07-28/schema.ts` and `basic/transports/streamable-http.mdx`): no initialize and
 * no session; every request carries its protocol version and client capabilities in `_meta`;
 * `MCP-Protocol-Version`, `Mcp-Method` and `Mcp-Name` headers must match the body (400,
 * -32020); `server/discover` is answered from the cached upstream initialize result; other
 * requests are translated for the session-based upstream and back (`resultType`, cache hints,
 * server info).
 */
import {
  ErrorCode,
  errorResponse,
  type Id,
  type Json,
  type Message,
  metaOf,
  resultResponse,
} from "../jsonrpc/message.ts";
import {
  ALL_VERSIONS,
  META_CAPABILITIES,
  META_SERVER_INFO,
  META_VERSION,
  missingClientCapabilities,
  STATELESS_VERSION,
} from "../protocol.ts";
import type { Caller } from "../../lib/caller.ts";
import { headerCarrier } from "../../lib/trace/mod.ts";
import type { DeliveryRoute, Hub, SessionSink } from "../session/hub.ts";
import { jsonResponse, rpcError, type TransportContext, whenClientGone } from "./context.ts";
import { Exchange, type ReplyMode } from "./exchange.ts";
import { handleListen } from "./listen.ts";
import { SseStream } from "./sse_stream.ts";

const NAME_PARAM: Record<string, string> = {
  "tools/call": "name",
  "prompts/get": "name",
  "resources/read": "uri",
};
/** Methods of earlier revisions that 2026-07-28 no longer has. */
const REMOVED = new Set([
  "initialize",
  "ping",
  "logging/setLevel",
  "resources/subscribe",
  "resources/unsubscribe",
]);
/** Results that carry cache hints (`CacheableResult`) in 2026-07-28. */
const CACHEABLE = new Set([
  "server/discover",
  "tools/list",
  "prompts/list",
  "resources/list",
  "resources/templates/list",
  "resources/read",
]);

/** Result of {@linkcode checkStatelessHeaders}. */
export type HeaderCheck = { ok: true } | {
  ok: false;
  status: number;
  code: number;
  message: string;
};

/** Decodes the `=?base64?…?=` sentinel form of a header value. */
export function decodeHeaderValue(value: string | null): string | null {
  if (value === null || !value.startsWith("=?base64?") || !value.endsWith("?=")) return value;
  try {
    const bin = atob(value.slice(9, -2));
    return new TextDecoder().decode(Uint8Array.from(bin, (c) => c.charCodeAt(0)));
  } catch {
    return null;
  }
}

/** Checks the mirrored headers and the `_meta` keys of a 2026-07-28 message (pure). */
export function checkStatelessHeaders(headers: Headers, msg: Message): HeaderCheck {
  const mismatch = (message: string): HeaderCheck => ({
    ok: false,
    status: 400,
    code: ErrorCode.HeaderMismatch,
    message: `Header mismatch: ${message}`,
  });
  const version = headers.get("mcp-protocol-version");
  if (version === null) return mismatch("MCP-Protocol-Version header is required");
  const meta = metaOf(msg);
  if (msg.id !== undefined && meta?.[META_VERSION] !== version) {
    return mismatch(`MCP-Protocol-Version "${version}" does not match _meta["${META_VERSION}"]`);
  }
  const method = headers.get("mcp-method");
  // A notification may omit Mcp-Method (the v2 SDK client sends none; its server accepts that).
  const optional = msg.id === undefined && method === null;
  if (method !== msg.method && !optional) {
    return mismatch(
      `Mcp-Method header value '${method}' does not match body value '${msg.method}'`,
    );
  }
  const param = NAME_PARAM[msg.method as string];
  const name = decodeHeaderValue(headers.get("mcp-name"));
  if (param !== undefined && name !== String(msg.params?.[param] ?? "")) {
    return mismatch(`Mcp-Name header value '${name}' does not match body params.${param}`);
  }
  if (msg.id !== undefined && typeof meta?.[META_CAPABILITIES] !== "object") {
    const message = `Missing _meta["${META_CAPABILITIES}"]`;
    return { ok: false, status: 400, code: ErrorCode.InvalidParams, message };
  }
  return { ok: true };
}

/** The 400 answer for a protocol version the gateway does not speak (pure). */
export function unsupportedVersion(requested: string, id?: Id | null): Response {
  const data = { supported: ALL_VERSIONS, requested };
  const text = `Unsupported protocol version "${requested}"`;
  return jsonResponse(errorResponse(id, ErrorCode.UnsupportedProtocolVersion, text, data), 400);
}

/** Builds the `server/discover` result from a cached initialize result (pure). */
export function discoverResult(init: Json): Json {
  const out: Json = {
    resultType: "complete",
    supportedVersions: ALL_VERSIONS,
    capabilities: init.capabilities ?? {},
    ttlMs: 0,
    cacheScope: "private",
    _meta: { [META_SERVER_INFO]: init.serverInfo },
  };
  if (init.instructions !== undefined) out.instructions = init.instructions;
  return out;
}

/** Removes the stateless `_meta` keys before a request goes to an older upstream (pure). */
export function toUpstreamRequest(msg: Message): Message {
  const meta = metaOf(msg);
  if (!meta) return msg;
  const rest: Json = {};
  for (const k in meta) if (!k.startsWith("io.modelcontextprotocol/")) rest[k] = meta[k];
  const params: Json = { ...msg.params, _meta: rest };
  if (Object.keys(rest).length === 0) delete params._meta;
  delete params.inputResponses;
  delete params.requestState;
  return { ...msg, params };
}

/** Turns an older upstream's response into a 2026-07-28 one (pure). */
export function toStatelessResponse(msg: Message, method: string, serverInfo: unknown): Message {
  const r = msg.result;
  if (typeof r !== "object" || r === null) return msg;
  const result: Json = { resultType: "complete", ...r };
  if (CACHEABLE.has(method)) {
    result.ttlMs ??= 0;
    result.cacheScope ??= "private";
  }
  if (serverInfo !== undefined) {
    result._meta = { ...(result._meta as Json | undefined), [META_SERVER_INFO]: serverInfo };
  }
  return { ...msg, result };
}

/** How long a call waiting for the client's input responses stays held. */
const HOLD_MS = 60_000;
/**
 * How long an inferred server request (no related id: the call was merely the only one in flight)
 * that the call's client lacks the capability for waits before it is taken as the call's: a call answered meanwhile did not need it (the server
 * sent it unprompted, e.g. server-everything's `roots/list` after initialize), so it is refused
 * upstream and the call's answer stands.
 */
export const INFERRED_WAIT_MS = 500;

/** The stateless calls of one gateway: hub session ids, and the calls held for a retry. */
export class StatelessCalls {
  #next = 0;
  /** Calls waiting for a retry with `inputResponses`, by `requestState`. */
  readonly held = new Map<string, StatelessCall>();

  /** A fresh hub session id for one call. */
  nextSid(): string {
    return `stateless:${this.#next++}`;
  }
}

/**
 * One stateless request, attached to the hub as a short-lived session. A server request the
 * upstream sends while handling it becomes an `InputRequiredResult` (MRTR): the upstream call
 * stays held until the client retries with `inputResponses` and the `requestState`.
 */
class StatelessCall implements SessionSink {
  readonly sid: string;
  #calls: StatelessCalls;
  #hub: Hub;
  #ex!: Exchange;
  #method: string;
  #clientId!: Id;
  /** The capabilities the current request declared in its `_meta`. */
  #caps: unknown;
  #waiting: {
    key: string;
    upstreamId: Id;
    token: string;
    timer: ReturnType<typeof setTimeout>;
  } | null = null;
  /** An inferred server request waiting to see whether this call ends without it. */
  #doubt: { msg: Message; timer: ReturnType<typeof setTimeout> } | null = null;

  constructor(hub: Hub, msg: Message, mode: ReplyMode, calls: StatelessCalls) {
    this.sid = calls.nextSid();
    this.#calls = calls;
    this.#hub = hub;
    this.#method = msg.method as string;
    this.#open(msg, mode);
  }

  #open(msg: Message, mode: ReplyMode): void {
    this.#clientId = msg.id as Id;
    this.#caps = metaOf(msg)?.[META_CAPABILITIES];
    const id = this.#clientId;
    const status = (m: Message) =>
      m.error?.code === ErrorCode.MethodNotFound
        ? 404
        : m.error?.code === ErrorCode.MissingClientCapability
        ? 400
        : 200;
    const opts = { mode, batch: false, headers: {}, status };
    this.#ex = new Exchange([id], opts, () => new SseStream(this.sid));
  }

  get response(): Promise<Response> {
    return this.#ex.response;
  }

  /** Whether the answer was given in full (JSON), not streamed. */
  get answered(): boolean {
    return this.#ex.done;
  }

  /** The client went away before its answer: cancel upstream unless the call is held. */
  clientGone(): void {
    if (this.#waiting || this.#ex.done) return;
    if (this.#doubt) clearTimeout(this.#doubt.timer); // detach answers it upstream
    this.#doubt = null;
    this.#hub.detach(this.sid);
    this.#ex.abort("Client went away"); // settles the handler; nobody reads the answer
  }

  deliver(msg: Message, related?: Id, route?: DeliveryRoute): boolean {
    if (msg.method !== undefined && msg.id !== undefined) {
      // A client that can answer is asked at once; only a request it would fail the call with
      // (a capability it did not declare) waits to see whether the call needed it.
      const unanswerable = route?.inferred &&
        missingClientCapabilities(msg.method, msg.params, this.#caps) !== null;
      return unanswerable ? this.#doubtful(msg) : this.#askClient(msg);
    }
    if (msg.method === undefined) {
      this.#settleDoubt();
      const info = this.#hub.initResult?.serverInfo;
      const out = toStatelessResponse({ ...msg, id: this.#clientId }, this.#method, info);
      this.#ex.take(out, true);
      if (this.#ex.done) queueMicrotask(() => this.#hub.detach(this.sid));
      return true;
    }
    if (msg.method === "notifications/cancelled" && this.#doubt?.msg.id === msg.params?.requestId) {
      clearTimeout(this.#doubt!.timer); // the server withdrew the request in doubt
      this.#doubt = null;
      return true;
    }
    // Only request-related notifications (progress); logs need a _meta logLevel opt-in.
    return related !== undefined && msg.method === "notifications/progress" &&
      this.#ex.take(msg, false);
  }

  /** Holds an inferred server request for INFERRED_WAIT_MS unless the call ends first. */
  #doubtful(msg: Message): boolean {
    if (this.#doubt || this.#waiting || this.#ex.done) return false;
    const timer = setTimeout(() => {
      this.#doubt = null;
      if (!this.#askClient(msg)) this.#refuseUnprompted(msg);
    }, INFERRED_WAIT_MS);
    this.#doubt = { msg, timer };
    return true;
  }

  /** The call ended while a server request was in doubt: that request was not the call's. */
  #settleDoubt(): void {
    if (!this.#doubt) return;
    clearTimeout(this.#doubt.timer);
    this.#refuseUnprompted(this.#doubt.msg);
    this.#doubt = null;
  }

  #refuseUnprompted(msg: Message): void {
    const text = `Cannot route request "${msg.method}": no client session caused it`;
    this.#hub.fromClient(this.sid, errorResponse(msg.id, ErrorCode.InternalError, text));
  }

  /** Answers the client with an InputRequiredResult carrying the server's request. */
  #askClient(msg: Message): boolean {
    if (this.#waiting || this.#ex.done) return false;
    const required = missingClientCapabilities(msg.method, msg.params, this.#caps);
    if (required) return this.#refuse(msg, required);
    const token = crypto.randomUUID();
    const key = "input-1";
    const timer = setTimeout(() => this.#expire(), HOLD_MS);
    this.#waiting = { key, upstreamId: msg.id as Id, token, timer };
    this.#calls.held.set(token, this);
    const inputRequests = { [key]: { method: msg.method, params: msg.params ?? {} } };
    const result = { resultType: "input_required", inputRequests, requestState: token };
    this.#ex.take(resultResponse(this.#clientId, result), true);
    return true;
  }

  /** Fails the call with -32021 (the client lacks a capability) and refuses upstream. */
  #refuse(msg: Message, required: Json): boolean {
    const text = `Cannot ask the client "${msg.method}": capability not declared`;
    const data = { requiredCapabilities: required };
    this.#ex.take(
      errorResponse(this.#clientId, ErrorCode.MissingClientCapability, text, data),
      true,
    );
    this.#hub.fromClient(this.sid, errorResponse(msg.id, ErrorCode.MissingClientCapability, text));
    queueMicrotask(() => this.#hub.detach(this.sid));
    return true;
  }

  #expire(): void {
    this.#release();
    this.#hub.detach(this.sid);
  }

  #release(): void {
    if (!this.#waiting) return;
    clearTimeout(this.#waiting.timer);
    this.#calls.held.delete(this.#waiting.token);
  }

  /** Continues a held call with the client's retry; answers the server's request upstream. */
  resume(msg: Message, mode: ReplyMode): Promise<Response> {
    const waiting = this.#waiting!;
    this.#release();
    this.#waiting = null;
    this.#open(msg, mode);
    const responses = msg.params?.inputResponses as Record<string, unknown> | undefined;
    const answer = responses?.[waiting.key];
    const reply = answer === undefined
      ? errorResponse(waiting.upstreamId, ErrorCode.InvalidParams, "No input response given")
      : resultResponse(waiting.upstreamId, answer);
    this.#hub.fromClient(this.sid, reply);
    return this.#ex.response;
  }

  /** Whether `msg` may continue this call. */
  matches(msg: Message): boolean {
    return msg.method === this.#method;
  }

  close(reason: string): void {
    if (this.#doubt) clearTimeout(this.#doubt.timer);
    this.#doubt = null;
    this.#release();
    this.#waiting = null;
    this.#ex.abort(reason);
  }
}

/** How a stateless POST is answered and who sent it. */
export interface StatelessOptions {
  mode: ReplyMode;
  caller: Caller;
}

/** Handles one POST of the stateless revision. */
export async function handleStateless(
  req: Request,
  msgs: Message[],
  batch: boolean,
  ctx: TransportContext,
  { mode, caller }: StatelessOptions,
): Promise<Response> {
  if (batch) return rpcError(400, ErrorCode.InvalidRequest, "Batches are not allowed");
  const msg = msgs[0];
  const check = checkStatelessHeaders(req.headers, msg);
  if (!check.ok) return rpcError(check.status, check.code, check.message, msg.id);
  ctx.countMethod(msg.method ?? "response");
  if (msg.method === undefined || msg.id === undefined) return new Response(null, { status: 202 });
  if (REMOVED.has(msg.method)) {
    const text = `Method "${msg.method}" does not exist in ${STATELESS_VERSION}`;
    return jsonResponse(errorResponse(msg.id, ErrorCode.MethodNotFound, text), 404);
  }
  const hub = await ctx.acquireHub();
  if (!hub?.initResult) {
    if (hub) ctx.releaseHub(hub);
    return rpcError(503, ErrorCode.ConnectionClosed, "Cannot answer: upstream not ready", msg.id);
  }
  if (msg.method === "server/discover") {
    ctx.releaseHub(hub);
    return jsonResponse(resultResponse(msg.id, discoverResult(hub.initResult)));
  }
  if (msg.method === "subscriptions/listen") return handleListen(req, msg, hub, ctx);
  const token = msg.params?.requestState;
  if (typeof token === "string") {
    ctx.releaseHub(hub);
    const call = ctx.stateless.held.get(token);
    if (!call?.matches(msg)) {
      const text = "Cannot continue request: unknown or expired requestState";
      return jsonResponse(errorResponse(msg.id, ErrorCode.InvalidParams, text));
    }
    return await answer(req, call, call.resume(msg, mode));
  }
  const call = new StatelessCall(hub, msg, mode, ctx.stateless);
  hub.attach(call.sid, call);
  const parent = ctx.traced ? headerCarrier(req.headers) : undefined;
  hub.fromClient(call.sid, toUpstreamRequest(msg), caller, parent);
  const res = await answer(req, call, call.response);
  ctx.releaseHub(hub);
  return res;
}

/** Waits for a call's response; a client leaving before its answer cancels the call upstream. */
async function answer(req: Request, call: StatelessCall, response: Promise<Response>) {
  const stop = whenClientGone(req, () => call.clientGone());
  const res = await response;
  if (call.answered) stop(); // a streamed answer stays watched until it ends
  return res;
}
