/**
 * The fuzzer's case generator (pure given its PRNG): valid MCP requests mutated in type, size,
 * nesting, encoding, framing, headers, method and path.
 */

/** One HTTP request the fuzzer sends. */
export interface FuzzCase {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Uint8Array<ArrayBuffer>;
  /** Raw header lines: when set, the case goes over a raw socket with these lines added. */
  raw?: string[];
  /** What was mutated, for the failure message. */
  desc: string[];
}

type Rand = () => number;
const enc = new TextEncoder();

const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];

/** Valid messages the mutations start from. */
const BASES = [
  { jsonrpc: "2.0", id: 1, method: "tools/list" },
  {
    jsonrpc: "2.0",
    id: 2,
    method: "tools/call",
    params: { name: "echo", arguments: { message: "x" } },
  },
  { jsonrpc: "2.0", id: 3, method: "ping" },
  { jsonrpc: "2.0", method: "notifications/initialized" },
  { jsonrpc: "2.0", id: 4, method: "resources/list", params: { _meta: { progressToken: 7 } } },
  {
    jsonrpc: "2.0",
    id: 5,
    method: "initialize",
    params: {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "f", version: "1" },
    },
  },
  { jsonrpc: "2.0", id: 6, method: "prompts/get", params: { name: "simple-prompt" } },
  { jsonrpc: "2.0", id: 7, result: {} },
] as const;

/** A nested array/object `depth` levels deep. */
function nested(r: Rand, depth: number): unknown {
  let v: unknown = pick(r, [0, "x", null, true]);
  for (let i = 0; i < depth; i++) v = r() < 0.5 ? [v] : { k: v };
  return v;
}

/** A value of a random JSON type, sometimes huge or deep. */
function junk(r: Rand): unknown {
  return pick(r, [
    () => null,
    () => true,
    () => -0,
    () => 1e308,
    () => 2 ** 64,
    () => Number.MAX_SAFE_INTEGER + 2,
    () => -1.5,
    () => "",
    () => "é\u0000\u2028\ud800".repeat(1 + Math.floor(r() * 4)),
    () => "x".repeat(Math.floor(r() * 200_000)),
    () => [],
    () => [1, "a", null],
    () => ({}),
    () => ({ __proto__: { polluted: true }, constructor: { prototype: 1 } }),
    () => nested(r, 1 + Math.floor(r() * 3000)),
  ])();
}

const FIELDS = ["jsonrpc", "id", "method", "params", "result", "error"];
const PARAM_FIELDS = ["name", "arguments", "_meta", "cursor", "protocolVersion", "capabilities"];

/** Mutates one message in place and says how. */
function mutateMessage(r: Rand, m: Record<string, unknown>): string {
  const which = Math.floor(r() * 5);
  if (which === 0) {
    const f = pick(r, FIELDS);
    m[f] = junk(r);
    return `${f}=junk`;
  }
  if (which === 1) {
    const f = pick(r, FIELDS);
    delete m[f];
    return `-${f}`;
  }
  if (which === 2) {
    const p = (typeof m.params === "object" && m.params !== null ? m.params : {}) as Record<
      string,
      unknown
    >;
    const f = pick(r, PARAM_FIELDS);
    p[f] = junk(r);
    m.params = p;
    return `params.${f}=junk`;
  }
  if (which === 3) {
    m.method = pick(r, ["", "x".repeat(10_000), "tools/call\u0000", "rpc.x", "$/cancel", "Ω"]);
    return "method=odd";
  }
  m.id = pick(r, [1e308, -1, 1.5, "x".repeat(5000), [1], { a: 1 }, true, 2 ** 53 + 1]);
  return "id=odd";
}

/** The body bytes: JSON of the message(s), sometimes broken at the byte level. */
function bodyBytes(r: Rand, value: unknown, desc: string[]): Uint8Array<ArrayBuffer> {
  let bytes = enc.encode(JSON.stringify(value));
  const which = Math.floor(r() * 8);
  if (which === 0) {
    bytes = bytes.slice(0, Math.floor(r() * bytes.length));
    desc.push("truncated");
  } else if (which === 1) {
    const at = Math.floor(r() * bytes.length);
    const bad = pick(r, [[0xff], [0xfe, 0xff], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0x80]]);
    bytes = new Uint8Array([...bytes.subarray(0, at), ...bad, ...bytes.subarray(at)]);
    desc.push("invalid-utf8");
  } else if (which === 2) {
    bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...bytes]);
    desc.push("bom");
  } else if (which === 3) {
    bytes = enc.encode(
      pick(r, ["", " ", "null", "[]", "[[]]", "{}", "1", '"x"', "{".repeat(5000)]),
    );
    desc.push("odd-body");
  }
  return bytes;
}

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/json; charset=latin1",
  "text/plain",
  "text/html; x=application/json",
  "application/json, text/html",
  "application/jsonx",
  "",
];
const ACCEPTS = [
  "application/json, text/event-stream",
  "application/json",
  "text/event-stream",
  "*/*",
  "text/html",
  "",
];
const VERSIONS = ["2025-06-18", "2025-03-26", "2026-07-28", "1999-01-01", "x", ""];

/** Header mutations, sometimes none. */
function headers(r: Rand, sessions: string[], desc: string[]): Record<string, string> {
  const h: Record<string, string> = {
    "content-type": r() < 0.8 ? "application/json" : pick(r, CONTENT_TYPES),
    accept: r() < 0.8 ? ACCEPTS[0] : pick(r, ACCEPTS),
  };
  if (h["content-type"] !== "application/json" || h.accept !== ACCEPTS[0]) desc.push("media");
  const s = r();
  if (s < 0.5 && sessions.length) h["mcp-session-id"] = pick(r, sessions);
  else if (s < 0.6) {
    (h["mcp-session-id"] = pick(r, ["", "x", "0".repeat(4000), "../../etc"])), desc.push("sid");
  }
  if (r() < 0.3) (h["mcp-protocol-version"] = pick(r, VERSIONS)), desc.push("version");
  if (r() < 0.05) {
    (h["last-event-id"] = pick(r, ["", "x", "1", "-1", "9".repeat(400)])),
      desc.push("last-event-id");
  }
  if (r() < 0.05) {
    (h.origin = pick(r, ["http://evil.example", "null", "http://localhost"])), desc.push("origin");
  }
  for (const k of Object.keys(h)) if (h[k] === "") delete h[k];
  return h;
}

/** Header lines `fetch` would refuse or rewrite: Host, framing, folding, size, bytes. */
const RAW_LINES = [
  "Host: [::1].evil.com",
  "Host: evil.example",
  "Host: 127.0.0.1:99999",
  "Host:",
  "Host: localhost\r\nHost: evil.example",
  "Content-Length: 5",
  "Content-Length: 999999",
  "Content-Length: -1",
  "Content-Length: 1, 2",
  "Content-Length: 99999999999999999999",
  "Transfer-Encoding: chunked",
  "Transfer-Encoding: gzip, chunked",
  " folded: continuation",
  "Bad Name: x",
  "X-Long: " + "a".repeat(70_000),
  "Mcp-Session-Id: \u00ff\u00fe",
  "Expect: 100-continue",
];

/** The next fuzz case. */
export function fuzzCase(r: Rand, sessions: string[]): FuzzCase {
  const desc: string[] = [];
  const one = () => {
    const m = structuredClone(pick(r, BASES)) as Record<string, unknown>;
    const n = Math.floor(r() * 3) + (r() < 0.1 ? 0 : 1);
    for (let i = 0; i < n; i++) desc.push(mutateMessage(r, m));
    return m;
  };
  const value = r() < 0.1 ? Array.from({ length: Math.floor(r() * 5) }, one) : one();
  if (Array.isArray(value)) desc.push(`batch(${value.length})`);
  const odd = r() < 0.08;
  const method = odd ? pick(r, ["GET", "DELETE", "PUT", "PATCH", "OPTIONS"]) : "POST";
  const path = r() < 0.92
    ? "/mcp"
    : pick(r, ["/mcp?x=1", "/mcp/", "/sse", "/message?sessionId=x", "/%ff"]);
  if (odd) desc.push(method);
  if (path !== "/mcp") desc.push(path);
  const withBody = method !== "GET" && method !== "OPTIONS";
  const raw = r() < 0.12 ? [pick(r, RAW_LINES)] : undefined;
  if (raw) desc.push(`raw(${raw[0].slice(0, 40)})`);
  return {
    method,
    path,
    headers: headers(r, sessions, desc),
    body: withBody ? bodyBytes(r, value, desc) : undefined,
    raw,
    desc,
  };
}
