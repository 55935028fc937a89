/**
 * The load generator's MCP clients: Streamable HTTP, legacy SSE and stateless sessions over
 * {@linkcode RawConnection} (cheaper per call than `fetch`, so cells measure the servers), and a
 * direct stdio client. Each session calls the `echo` tool and returns the echoed text.
 */
import { spawnPiped } from "./proc.ts";
import { type Head, RawConnection } from "./raw_http.ts";

/** A JSON-RPC response as the clients read it. */
export interface RpcReply {
  id?: string | number | null;
  result?: { content?: { type: string; text?: string }[] };
  error?: { code: number; message: string };
}

/** One client session able to call `echo`. */
export interface BenchSession {
  /** Calls `echo` with `message` and returns the text that came back. */
  call(message: string): Promise<string>;
  close(): Promise<void>;
}

/** Protocol version used by the session-based clients. */
export const SESSION_VERSION = "2025-06-18";
/** The stateless revision. */
export const STATELESS_VERSION = "2026-07-28";

const CLIENT_INFO = { name: "nmcp-bench", version: "1.0.0" };
let nextId = 1;
/** How long a call waits for its reply before it counts as missing. */
export const CALL_TIMEOUT_MS = 10_000;

/** Text of the first text block of a reply, or throws with the JSON-RPC error. */
export function echoed(reply: RpcReply): string {
  if (reply.error) throw new Error(`Cannot call tool "echo": ${reply.error.message}`);
  const text = reply.result?.content?.find((c) => c.type === "text")?.text;
  if (text === undefined) throw new Error(`Cannot call tool "echo": no text in reply`);
  return text;
}

/** Splits an SSE body into its events' `event` names and joined `data` (pure). */
export function parseSse(text: string): { event: string; data: string }[] {
  const out: { event: string; data: string }[] = [];
  for (const block of text.replaceAll("\r\n", "\n").split("\n\n")) {
    let event = "message";
    const data: string[] = [];
    for (const line of block.split("\n")) {
      if (line.startsWith("event:")) event = line.slice(6).trim();
      else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
    }
    if (data.length) out.push({ event, data: data.join("\n") });
  }
  return out;
}

/** The JSON-RPC body of one `echo` call. */
export function callBody(id: number, message: string, meta?: Record<string, unknown>): string {
  const params = { name: "echo", arguments: { message }, ...(meta ? { _meta: meta } : {}) };
  return JSON.stringify({ jsonrpc: "2.0", id, method: "tools/call", params });
}

/** Text chunks of a byte stream, read directly (cheaper per chunk than a TextDecoderStream). */
async function* decoded(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      yield decoder.decode(value, { stream: true });
    }
  } finally {
    reader.releaseLock();
  }
}

/** Matches replies to waiting calls by id. */
export class Pending {
  #waiting = new Map<string | number, (r: RpcReply) => void>();
  /** Waits for the reply to `id`; after `timeoutMs` it resolves with an error instead. */
  wait(id: number, timeoutMs = CALL_TIMEOUT_MS): Promise<RpcReply> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#waiting.delete(id);
        resolve({ id, error: { code: -32001, message: `no reply to ${id} in ${timeoutMs} ms` } });
      }, timeoutMs);
      this.#waiting.set(id, (r) => {
        clearTimeout(timer);
        resolve(r);
      });
    });
  }
  deliver(reply: RpcReply): void {
    if (reply.id === undefined || reply.id === null) return;
    const resolve = this.#waiting.get(reply.id);
    this.#waiting.delete(reply.id);
    resolve?.(reply);
  }
  fail(error: Error): void {
    for (const resolve of [...this.#waiting.values()]) {
      resolve({ error: { code: -32000, message: error.message } });
    }
    this.#waiting.clear();
  }
}

const ACCEPT = "application/json, text/event-stream";

/** The reply with `id` in a JSON or SSE response body. */
function replyIn(head: Head, body: string, id: number, what: string): RpcReply {
  if (head.status >= 300) {
    throw new Error(`Cannot call ${what}: HTTP ${head.status} ${body.slice(0, 200)}`);
  }
  if (head.headers.get("content-type")?.includes("text/event-stream")) {
    for (const e of parseSse(body)) {
      const msg = JSON.parse(e.data) as RpcReply;
      if (msg.id === id) return msg;
    }
    throw new Error(`Cannot call ${what}: no reply with id ${id}`);
  }
  return JSON.parse(body) as RpcReply;
}

/** Opens a Streamable HTTP session on `url` over one raw keep-alive connection. */
export async function streamableSession(url: string): Promise<BenchSession> {
  const path = new URL(url).pathname;
  const conn = await RawConnection.open(url);
  const headers: Record<string, string> = { "content-type": "application/json", accept: ACCEPT };
  const id = nextId++;
  const init = await conn.request(
    "POST",
    path,
    headers,
    JSON.stringify({
      jsonrpc: "2.0",
      id,
      method: "initialize",
      params: { protocolVersion: SESSION_VERSION, capabilities: {}, clientInfo: CLIENT_INFO },
    }),
  );
  const reply = replyIn(init, init.body, id, `initialize on "${url}"`);
  if (reply.error) throw new Error(`Cannot initialize session "${url}": ${reply.error.message}`);
  const sid = init.headers.get("mcp-session-id");
  if (sid) headers["mcp-session-id"] = sid;
  headers["mcp-protocol-version"] = SESSION_VERSION;
  await conn.request(
    "POST",
    path,
    headers,
    `{"jsonrpc":"2.0","method":"notifications/initialized"}`,
  );
  return {
    async call(message) {
      const id = nextId++;
      const res = await conn.request("POST", path, headers, callBody(id, message));
      return echoed(replyIn(res, res.body, id, `"${url}"`));
    },
    async close() {
      if (sid) await conn.request("DELETE", path, headers).catch(() => {});
      conn.close();
    },
  };
}

/** A stateless (2026-07-28) "session" over one raw connection: every call stands alone. */
export async function statelessSession(url: string): Promise<BenchSession> {
  const path = new URL(url).pathname;
  const conn = await RawConnection.open(url);
  const headers = {
    "content-type": "application/json",
    accept: ACCEPT,
    "mcp-protocol-version": STATELESS_VERSION,
    "mcp-method": "tools/call",
    "mcp-name": "echo",
  };
  const meta = {
    "io.modelcontextprotocol/protocolVersion": STATELESS_VERSION,
    "io.modelcontextprotocol/clientCapabilities": {},
    "io.modelcontextprotocol/clientInfo": CLIENT_INFO,
  };
  return {
    async call(message) {
      const id = nextId++;
      const res = await conn.request("POST", path, headers, callBody(id, message, meta));
      return echoed(replyIn(res, res.body, id, `"${url}"`));
    },
    close: () => Promise.resolve(conn.close()),
  };
}

/** Opens a legacy HTTP+SSE session: a raw GET `/sse` stream plus a raw POST connection. */
export async function sseSession(base: string): Promise<BenchSession> {
  const stream = await RawConnection.open(base);
  await stream.send("GET", `${new URL(base).pathname.replace(/\/$/, "")}/sse`, {
    accept: "text/event-stream",
  });
  const head = await stream.head();
  if (head.status !== 200) throw new Error(`Cannot open SSE stream "${base}/sse": ${head.status}`);
  const pending = new Pending();
  let announce: (path: string) => void = () => {};
  const endpoint = new Promise<string>((resolve) => announce = resolve);
  const pump = (async () => {
    let buf = "";
    for (let chunk = await stream.chunk(); chunk !== null; chunk = await stream.chunk()) {
      buf += chunk;
      const cut = buf.lastIndexOf("\n\n");
      if (cut < 0) continue;
      for (const e of parseSse(buf.slice(0, cut + 2))) {
        if (e.event === "endpoint") {
          announce(new URL(e.data, base).pathname + new URL(e.data, base).search);
        } else pending.deliver(JSON.parse(e.data) as RpcReply);
      }
      buf = buf.slice(cut + 2);
    }
  })().catch((e) => pending.fail(e as Error));
  const path = await endpoint;
  const conn = await RawConnection.open(base);
  const post = async (body: string) => {
    const res = await conn.request("POST", path, { "content-type": "application/json" }, body);
    if (res.status >= 300) {
      throw new Error(`Cannot post to SSE session "${base}": HTTP ${res.status}`);
    }
  };
  const request = async (id: number, body: string) => {
    const reply = pending.wait(id);
    await post(body);
    return await reply;
  };
  const id = nextId++;
  const init = await request(
    id,
    JSON.stringify({
      jsonrpc: "2.0",
      id,
      method: "initialize",
      params: { protocolVersion: "2024-11-05", capabilities: {}, clientInfo: CLIENT_INFO },
    }),
  );
  if (init.error) throw new Error(`Cannot initialize SSE session "${base}": ${init.error.message}`);
  await post(`{"jsonrpc":"2.0","method":"notifications/initialized"}`);
  return {
    async call(message) {
      const id = nextId++;
      return echoed(await request(id, callBody(id, message)));
    },
    async close() {
      conn.close();
      stream.close();
      await pump;
    },
  };
}

/** A stdio child shared by all sessions, like a gateway's upstream: ids multiplex calls. */
export interface StdioClient {
  session(): Promise<BenchSession>;
  close(): Promise<void>;
}

/** Spawns `argv` and talks newline-delimited JSON-RPC over its stdin/stdout. */
export async function stdioClient(argv: string[]): Promise<StdioClient> {
  const child = spawnPiped(argv);
  const writer = child.stdin.getWriter();
  const encoder = new TextEncoder();
  const pending = new Pending();
  const pump = (async () => {
    let buf = "";
    for await (const chunk of decoded(child.stdout)) {
      buf += chunk;
      const lines = buf.split("\n");
      buf = lines.pop() ?? "";
      for (const line of lines) if (line.trim()) pending.deliver(JSON.parse(line) as RpcReply);
    }
  })().catch((e) => pending.fail(e as Error));
  const request = async (id: number, body: string) => {
    const reply = pending.wait(id);
    await writer.write(encoder.encode(body + "\n"));
    return await reply;
  };
  const id = nextId++;
  await request(
    id,
    JSON.stringify({
      jsonrpc: "2.0",
      id,
      method: "initialize",
      params: { protocolVersion: SESSION_VERSION, capabilities: {}, clientInfo: CLIENT_INFO },
    }),
  );
  await writer.write(encoder.encode(`{"jsonrpc":"2.0","method":"notifications/initialized"}\n`));
  const session: BenchSession = {
    async call(message) {
      const id = nextId++;
      return echoed(await request(id, callBody(id, message)));
    },
    close: () => Promise.resolve(),
  };
  return {
    session: () => Promise.resolve(session),
    async close() {
      await writer.close().catch(() => {});
      await pump;
      await child.status;
    },
  };
}
