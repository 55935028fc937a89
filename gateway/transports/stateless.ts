/**
 * The stateless 2026-07-28 revision on `/mcp`: no initialize and no session; every request
 * carries its protocol version and client capabilities in `_meta`, `Mcp-Method`/`Mcp-Name`
 * headers must match the body, `server/discover` is answered from the cached upstream
 * initialize result, and other requests are translated for the session-based upstream.
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
  STATELESS_VERSION,
} from "../protocol.ts";
import type { Hub, SessionSink } from "../session/hub.ts";
import { jsonResponse, rpcError, type TransportContext } from "./context.ts";
import { Exchange, type ReplyMode } from "./exchange.ts";
import { SseStream } from "./sse_stream.ts";

const NAME_PARAM: Record<string, string> = {
  "tools/call": "name",
  "prompts/get": "name",
  "resources/read": "uri",
  "resources/subscribe": "uri",
  "resources/unsubscribe": "uri",
};
const REMOVED = new Set(["initialize", "ping", "logging/setLevel"]);

/** Result of {@linkcode checkStatelessHeaders}. */
export type HeaderCheck = { ok: true } | {
  ok: false;
  status: number;
  code: number;
  message: string;
};

/** Checks `MCP-Protocol-Version`, `Mcp-Method`, `Mcp-Name` and `_meta` against the body (pure). */
export function checkStatelessHeaders(headers: Headers, msg: Message): HeaderCheck {
  const mismatch = (message: string): HeaderCheck => ({
    ok: false,
    status: 400,
    code: ErrorCode.HeaderMismatch,
    message,
  });
  const meta = metaOf(msg);
  const version = headers.get("mcp-protocol-version");
  const bodyVersion = meta?.[META_VERSION];
  if (msg.id !== undefined && bodyVersion !== STATELESS_VERSION) {
    const message = `Missing _meta["${META_VERSION}"] = "${STATELESS_VERSION}"`;
    return { ok: false, status: 400, code: ErrorCode.InvalidParams, message };
  }
  if (version !== null && bodyVersion !== undefined && version !== bodyVersion) {
    return mismatch("MCP-Protocol-Version header does not match _meta protocol version");
  }
  const method = headers.get("mcp-method");
  if (method !== msg.method) return mismatch(`Mcp-Method header must be "${msg.method}"`);
  const param = NAME_PARAM[msg.method as string];
  if (param !== undefined && headers.get("mcp-name") !== String(msg.params?.[param] ?? "")) {
    return mismatch(`Mcp-Name header must equal params.${param}`);
  }
  if (msg.id !== undefined && typeof meta?.[META_CAPABILITIES] !== "object") {
    const message = `Missing _meta["${META_CAPABILITIES}"]`;
    return { ok: false, status: 400, code: ErrorCode.InvalidParams, message };
  }
  return { ok: true };
}

/** Builds the `server/discover` result from a cached initialize result (pure). */
export function discoverResult(init: Json): Json {
  const out: Json = {
    resultType: "complete",
    supportedVersions: ALL_VERSIONS,
    capabilities: init.capabilities ?? {},
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
  return { ...msg, params };
}

/** Marks an upstream response as a complete stateless result (pure). */
export function toStatelessResponse(msg: Message): Message {
  const r = msg.result;
  if (typeof r !== "object" || r === null || "resultType" in r) return msg;
  return { ...msg, result: { ...r, resultType: "complete" } };
}

let nextCall = 0;

class StatelessCall implements SessionSink {
  readonly sid = `stateless:${nextCall++}`;
  #hub: Hub;
  #ex: Exchange;

  constructor(hub: Hub, id: Id, mode: ReplyMode) {
    this.#hub = hub;
    const opts = { mode, batch: false, headers: {} };
    this.#ex = new Exchange([id], opts, () => new SseStream(this.sid));
  }

  get response(): Promise<Response> {
    return this.#ex.response;
  }

  deliver(msg: Message, related?: Id): boolean {
    if (msg.method !== undefined && msg.id !== undefined) return false;
    if (msg.method === undefined) {
      this.#ex.take(toStatelessResponse(msg), true);
      if (this.#ex.done) queueMicrotask(() => this.#hub.detach(this.sid));
      return true;
    }
    return related !== undefined && this.#ex.take(msg, false);
  }

  close(reason: string): void {
    this.#ex.abort(reason);
  }
}

/** Handles one POST of the stateless revision. */
export async function handleStateless(
  req: Request,
  msgs: Message[],
  batch: boolean,
  ctx: TransportContext,
  mode: ReplyMode,
): Promise<Response> {
  if (batch) return rpcError(400, ErrorCode.InvalidRequest, "Batches are not allowed");
  const msg = msgs[0];
  const check = checkStatelessHeaders(req.headers, msg);
  if (!check.ok) return rpcError(check.status, check.code, check.message, msg.id);
  ctx.countMethod(msg.method ?? "response");
  if (msg.method === undefined || msg.id === undefined) return new Response(null, { status: 202 });
  if (REMOVED.has(msg.method)) {
    const text = `Method "${msg.method}" does not exist in ${STATELESS_VERSION}`;
    return jsonResponse(errorResponse(msg.id, ErrorCode.MethodNotFound, text));
  }
  const hub = await ctx.acquireHub();
  if (!hub?.initResult) {
    if (hub) ctx.releaseHub(hub);
    return rpcError(503, ErrorCode.ConnectionClosed, "Cannot answer: upstream not ready", msg.id);
  }
  if (msg.method === "server/discover") {
    const res = jsonResponse(resultResponse(msg.id, discoverResult(hub.initResult)));
    ctx.releaseHub(hub);
    return res;
  }
  const call = new StatelessCall(hub, msg.id as Id, mode);
  hub.attach(call.sid, call);
  hub.fromClient(call.sid, toUpstreamRequest(msg));
  const res = await call.response;
  ctx.releaseHub(hub);
  return res;
}
