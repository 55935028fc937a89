/** JSON-RPC 2.0 message shapes, classification and error builders used on the gateway hot path. */

/** A JSON-RPC id. */
export type Id = string | number;

/** Any JSON object. */
export type Json = Record<string, unknown>;

/** A JSON-RPC message as parsed (requests, notifications, responses). */
export interface Message {
  jsonrpc: "2.0";
  id?: Id | null;
  method?: string;
  params?: Json;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

/** What kind of JSON-RPC message a value is. */
export type Kind = "request" | "notification" | "response" | "invalid";

/** Standard JSON-RPC error codes plus the MCP ones the gateway uses. */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  MethodNotFound: -32601,
  InvalidParams: -32602,
  InternalError: -32603,
  ConnectionClosed: -32000,
  /** The request got no answer in time (the SDK's RequestTimeout). */
  RequestTimeout: -32001,
  /** 2026-07-28: HTTP headers do not match the body, or are missing. */
  HeaderMismatch: -32020,
  /** 2026-07-28: a needed client capability was not declared. */
  MissingClientCapability: -32021,
  /** 2026-07-28: the requested protocol version is not supported. */
  UnsupportedProtocolVersion: -32022,
} as const;

/** Classifies a parsed JSON value as a JSON-RPC message kind without deep validation. */
export function classify(value: unknown): Kind {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return "invalid";
  const m = value as Message;
  if (m.jsonrpc !== "2.0") return "invalid";
  const hasId = m.id !== undefined;
  if (hasId && !validId(m.id)) return "invalid";
  if (typeof m.method === "string") {
    // MCP: params is an object (never an array), a request id is never null, and a
    // request is not also a response.
    if (m.params !== undefined && !isPlainObject(m.params)) return "invalid";
    if (m.id === null || "result" in m || "error" in m) return "invalid";
    return hasId ? "request" : "notification";
  }
  if (m.method !== undefined) return "invalid";
  if (!hasId) return "invalid";
  const hasResult = "result" in m, hasError = "error" in m;
  if (hasResult === hasError) return "invalid";
  if (hasError && (typeof m.error !== "object" || m.error === null)) return "invalid";
  return "response";
}

function isPlainObject(v: unknown): boolean {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function validId(id: unknown): boolean {
  return typeof id === "string" || (typeof id === "number" && Number.isFinite(id)) ||
    id === null;
}

/** Builds a JSON-RPC error response. */
export function errorResponse(
  id: Id | null | undefined,
  code: number,
  message: string,
  data?: unknown,
): Message {
  const error = data === undefined ? { code, message } : { code, message, data };
  return { jsonrpc: "2.0", id: id ?? null, error };
}

/** Builds a JSON-RPC success response. */
export function resultResponse(id: Id | null | undefined, result: unknown): Message {
  return { jsonrpc: "2.0", id: id ?? null, result };
}

/** Result of {@linkcode parseBody}. */
export type ParsedBody =
  | { ok: true; messages: Message[]; batch: boolean }
  | { ok: false; error: Message };

/** Parses an HTTP body as one JSON-RPC message or a batch; errors are spec error responses. */
export function parseBody(text: string): ParsedBody {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { ok: false, error: errorResponse(null, ErrorCode.ParseError, "Parse error") };
  }
  const batch = Array.isArray(value);
  const items = batch ? value as unknown[] : [value];
  if (items.length === 0) {
    return { ok: false, error: errorResponse(null, ErrorCode.InvalidRequest, "Empty batch") };
  }
  for (const item of items) {
    const kind = classify(item);
    const id = (item as Message | null)?.id;
    if (kind === "invalid") {
      return {
        ok: false,
        error: errorResponse(validId(id) ? id : null, ErrorCode.InvalidRequest, "Invalid Request"),
      };
    }
    const params = (item as Message).params;
    // Only requests and notifications were checked for object params: a response may carry any.
    if (isPlainObject(params) && "_meta" in params! && !isPlainObject(params!._meta)) {
      const text = "Invalid params: params._meta must be an object";
      return { ok: false, error: errorResponse(id, ErrorCode.InvalidParams, text) };
    }
  }
  return { ok: true, messages: items as Message[], batch };
}

/** Returns `params._meta` of a message when it is an object. */
export function metaOf(msg: Message): Json | undefined {
  const meta = msg.params?._meta;
  return typeof meta === "object" && meta !== null ? meta as Json : undefined;
}
