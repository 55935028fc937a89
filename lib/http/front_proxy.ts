/**
 * The portable request-head deadline (used where the socket watch is unavailable): a small TCP
 * front accepts the client, reads the first request head under the deadline (and a size cap:
 * 431), then pipes the connection to an internal `Deno.serve` on 127.0.0.1. The handler sees the
 * client's own address; the inner port serves nobody but the front. Later heads on a keep-alive
 * connection are timed from the first byte after the previous response was sent until the server
 * reads the head. Every byte crosses JavaScript twice: it costs throughput (see README).
 */
import { HEAD_TIMEOUT, HEAD_TOO_LARGE, headEnd } from "./head.ts";
import type { GuardedServeOptions, GuardedServer } from "./serve.ts";

/** One client connection through the front. */
interface Link {
  readonly outer: Deno.TcpConn;
  readonly remoteAddr: Deno.NetAddr;
  inner?: Deno.TcpConn;
  /** When the head being read must be complete (ms, performance.now()); 0 = not reading one. */
  deadline: number;
  /** Requests the server is handling on this connection. */
  open: number;
  closed: boolean;
}

const CHUNK = 64 * 1024;

/** Serves `handler` behind a TCP front that cuts off clients whose request head is too slow. */
export function serveFronted(
  options: GuardedServeOptions,
  handler: Deno.ServeHandler<Deno.NetAddr>,
): GuardedServer {
  const front = new Front(options, handler);
  options.onListen?.(front.addr);
  return front;
}

class Front implements GuardedServer {
  readonly guard = "front";
  readonly addr: Deno.NetAddr;
  readonly finished: Promise<void>;
  #timeoutMs: number;
  #maxHead: number;
  #links = new Set<Link>();
  /** Inner connections by their local port, as the inner server sees them. */
  #byPort = new Map<number, Link>();
  #inner: Deno.HttpServer<Deno.NetAddr>;
  #listener: Deno.TcpListener;
  #sweep: ReturnType<typeof setInterval>;
  #accepting: Promise<void>;

  constructor(options: GuardedServeOptions, handler: Deno.ServeHandler<Deno.NetAddr>) {
    this.#timeoutMs = options.headerTimeoutMs;
    this.#maxHead = options.maxHeadBytes ?? 65536;
    this.#inner = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {}, onError: options.onError },
      (req, info) => this.#serve(req, info, handler),
    );
    this.finished = this.#inner.finished;
    this.#listener = Deno.listen({ hostname: options.hostname, port: options.port });
    this.addr = this.#listener.addr;
    this.#sweep = setInterval(
      () => this.#expire(performance.now()),
      Math.min(1000, Math.max(50, this.#timeoutMs / 10)),
    );
    this.#accepting = this.#accept();
  }

  /** The inner server's handler: only connections of the front, seen as their client. */
  #serve(
    req: Request,
    info: Deno.ServeHandlerInfo<Deno.NetAddr>,
    handler: Deno.ServeHandler<Deno.NetAddr>,
  ) {
    const link = info.remoteAddr.hostname === "127.0.0.1"
      ? this.#byPort.get(info.remoteAddr.port)
      : undefined;
    if (!link) {
      return new Response("Cannot serve request: not through the front\n", { status: 403 });
    }
    link.deadline = 0;
    link.open++;
    const done = () => {
      link.open--;
    };
    info.completed.then(done, done);
    return handler(req, { remoteAddr: link.remoteAddr, completed: info.completed });
  }

  #expire(now: number): void {
    for (const link of this.#links) {
      if (link.deadline !== 0 && now > link.deadline && link.open === 0) {
        this.#reject(link, HEAD_TIMEOUT);
      }
    }
  }

  async #accept(): Promise<void> {
    for (;;) {
      let conn: Deno.TcpConn;
      try {
        conn = await this.#listener.accept();
      } catch (err) {
        if (err instanceof Deno.errors.BadResource) return;
        await new Promise((r) => setTimeout(r, 20)); // EMFILE and the like: retry shortly
        continue;
      }
      conn.setNoDelay(true);
      const link: Link = {
        outer: conn,
        remoteAddr: conn.remoteAddr,
        deadline: performance.now() + this.#timeoutMs,
        open: 0,
        closed: false,
      };
      this.#links.add(link);
      void this.#front(link);
    }
  }

  /** Reads the first head; pipes the connection to the inner server once it is complete. */
  async #front(link: Link): Promise<void> {
    try {
      const head = await readHead(link, this.#maxHead);
      if (head === "too large") return this.#reject(link, HEAD_TOO_LARGE);
      if (head === null) return this.#close(link);
      link.deadline = 0;
      const conn = await Deno.connect({ hostname: "127.0.0.1", port: this.#inner.addr.port });
      conn.setNoDelay(true);
      link.inner = conn;
      this.#byPort.set(conn.localAddr.port, link);
      if (link.closed) return this.#close(link);
      await writeAll(conn, head);
      await Promise.all([pumpUp(link, conn, this.#timeoutMs), pumpDown(link, conn)]);
    } catch { /* the peer or the front closed the connection */ }
    this.#close(link);
  }

  #reject(link: Link, answer: Uint8Array): void {
    link.deadline = 0;
    link.outer.write(answer).catch(() => {}).finally(() => this.#close(link));
  }

  #close(link: Link): void {
    if (link.closed) return;
    link.closed = true;
    this.#links.delete(link);
    for (const c of [link.outer, link.inner]) {
      try {
        c?.close();
      } catch { /* already closed */ }
    }
    if (link.inner) this.#byPort.delete(link.inner.localAddr.port);
  }

  async shutdown(): Promise<void> {
    clearInterval(this.#sweep);
    try {
      this.#listener.close();
    } catch { /* closed */ }
    await this.#accepting;
    for (const link of this.#links) if (!link.inner) this.#close(link);
    await this.#inner.shutdown();
    for (const link of this.#links) this.#close(link);
  }
}

/** The bytes up to and past the first head, null on EOF, or "too large". */
async function readHead(link: Link, maxHead: number): Promise<Uint8Array | null | "too large"> {
  let buf = new Uint8Array(0);
  const chunk = new Uint8Array(CHUNK);
  for (;;) {
    const n = await link.outer.read(chunk);
    if (n === null) return null;
    const next = new Uint8Array(buf.length + n);
    next.set(buf);
    next.set(chunk.subarray(0, n), buf.length);
    const end = headEnd(next, Math.max(0, buf.length - 3));
    buf = next;
    if (end > maxHead || (end < 0 && buf.length > maxHead)) return "too large";
    if (end >= 0) return buf;
  }
}

/** Client → server; a byte arriving while no request is open starts the next head's deadline. */
async function pumpUp(link: Link, conn: Deno.TcpConn, timeoutMs: number): Promise<void> {
  const chunk = new Uint8Array(CHUNK);
  for (;;) {
    const n = await link.outer.read(chunk);
    if (n === null) break;
    if (link.open === 0 && link.deadline === 0) link.deadline = performance.now() + timeoutMs;
    await writeAll(conn, chunk.subarray(0, n));
  }
  await conn.closeWrite().catch(() => {});
}

/** Server → client until the server closes. */
async function pumpDown(link: Link, conn: Deno.TcpConn): Promise<void> {
  const chunk = new Uint8Array(CHUNK);
  for (;;) {
    const n = await conn.read(chunk);
    if (n === null) return;
    await writeAll(link.outer, chunk.subarray(0, n));
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  let off = 0;
  while (off < bytes.length) off += await conn.write(bytes.subarray(off));
}
