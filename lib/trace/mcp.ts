/**
 * Span names and attributes of MCP messages after the OpenTelemetry MCP semantic conventions
 * (`docs/gen-ai/mcp.md`), and the trace context in `params._meta` (pure functions).
 */

/** Span attributes. */
export type Attributes = Record<string, string | number | boolean>;

/** W3C trace context as carried in headers or `params._meta`. */
export interface Carrier {
  traceparent?: string;
  tracestate?: string;
}

/** The parts of a JSON-RPC message these functions read. */
export interface RpcMessage {
  id?: string | number | null;
  method?: string;
  params?: Record<string, unknown>;
  result?: unknown;
  error?: { code: number; message: string };
}

/** What is known about the session a message travels in. */
export interface SessionInfo {
  /** The session id (only a prefix is recorded: the whole id admits to the session). */
  sessionId?: string;
  protocolVersion?: string;
  /** `tcp` for HTTP, `pipe` for stdio. */
  transport?: "tcp" | "pipe";
}

/** How much of a session id goes into spans. */
export const SESSION_PREFIX = 16;

const ZERO_TRACE = "0".repeat(32), ZERO_SPAN = "0".repeat(16);
const TRACEPARENT = /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

/** Whether a value is a well-formed W3C `traceparent` (version, trace id, span id, flags). */
export function isTraceparent(value: unknown): value is string {
  return typeof value === "string" && TRACEPARENT.test(value) && !value.startsWith("ff") &&
    value.slice(3, 35) !== ZERO_TRACE && value.slice(36, 52) !== ZERO_SPAN;
}

/** The tool or prompt a request names (the low-cardinality span target), if any. */
export function mcpTarget(msg: RpcMessage): string | undefined {
  if (msg.method !== "tools/call" && msg.method !== "prompts/get") return undefined;
  const name = msg.params?.name;
  return typeof name === "string" ? name : undefined;
}

/** `{mcp.method.name} {target}`, or the method alone. */
export function mcpSpanName(msg: RpcMessage): string {
  const target = mcpTarget(msg);
  return target === undefined ? msg.method ?? "unknown" : `${msg.method} ${target}`;
}

/** The attributes of a request or notification span. */
export function requestAttributes(msg: RpcMessage, session: SessionInfo): Attributes {
  const a: Attributes = { "mcp.method.name": msg.method ?? "unknown" };
  if (msg.id !== undefined && msg.id !== null) a["jsonrpc.request.id"] = String(msg.id);
  const target = mcpTarget(msg);
  if (target !== undefined) {
    if (msg.method === "tools/call") {
      a["gen_ai.tool.name"] = target;
      a["gen_ai.operation.name"] = "execute_tool";
    } else a["gen_ai.prompt.name"] = target;
  }
  const uri = msg.params?.uri;
  if (typeof uri === "string" && msg.method?.startsWith("resources/")) a["mcp.resource.uri"] = uri;
  if (session.sessionId) a["mcp.session.id"] = session.sessionId.slice(0, SESSION_PREFIX);
  if (session.protocolVersion) a["mcp.protocol.version"] = session.protocolVersion;
  if (session.transport) a["network.transport"] = session.transport;
  return a;
}

/** How a response ends its span: extra attributes, and the error description when it failed. */
export interface Outcome {
  attributes: Attributes;
  /** Set when the call failed (JSON-RPC error, or a tool result with `isError`). */
  error?: string;
}

/** The outcome of a response: `error.type` and `rpc.response.status_code` for errors. */
export function responseOutcome(msg: RpcMessage): Outcome {
  if (msg.error) {
    const code = String(msg.error.code);
    return {
      attributes: { "error.type": code, "rpc.response.status_code": code },
      error: msg.error.message,
    };
  }
  const r = msg.result as { isError?: unknown } | undefined;
  if (r?.isError === true) {
    return { attributes: { "error.type": "tool_error" }, error: "tool_error" };
  }
  return { attributes: {} };
}

/** The trace context in a message's `params._meta`, when it carries a valid one. */
export function metaCarrier(msg: RpcMessage): Carrier | undefined {
  const meta = msg.params?._meta as Record<string, unknown> | undefined;
  const tp = meta?.traceparent;
  if (!isTraceparent(tp)) return undefined;
  const ts = meta!.tracestate;
  return typeof ts === "string" ? { traceparent: tp, tracestate: ts } : { traceparent: tp };
}

/** A copy of `msg` whose `params._meta` carries `carrier` (other `_meta` keys kept). */
export function withMetaCarrier<T extends RpcMessage>(msg: T, carrier: Carrier): T {
  const params = msg.params ?? {};
  const meta = { ...(params._meta as Record<string, unknown> | undefined) };
  delete meta.traceparent;
  delete meta.tracestate;
  if (carrier.traceparent) meta.traceparent = carrier.traceparent;
  if (carrier.tracestate) meta.tracestate = carrier.tracestate;
  return { ...msg, params: { ...params, _meta: meta } };
}

/** The trace context of HTTP request headers. */
export function headerCarrier(headers: Headers): Carrier | undefined {
  const tp = headers.get("traceparent");
  if (!isTraceparent(tp)) return undefined;
  const ts = headers.get("tracestate");
  return ts === null ? { traceparent: tp } : { traceparent: tp, tracestate: ts };
}
