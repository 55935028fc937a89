/**
 * A minimal HTTP/1.1 client over one keep-alive TCP connection, for the load generator: it
 * writes requests as bytes and parses just what a response needs (status, headers,
 * Content-Length or chunked bodies), so the client costs less per call than `fetch` and the
 * benchmark measures the servers rather than itself. Like wrk or h2load, not a general client.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CRLF2 = [13, 10, 13, 10];

/** A parsed response head. */
export interface Head {
  status: number;
  /** Header names in lower case. */
  headers: Map<string, string>;
}

/** Index of `\r\n\r\n` in `buf` from `from`, or -1 (pure). */
export function headEnd(buf: Uint8Array, from = 0): number {
  for (let i = Math.max(0, from); i + 3 < buf.length; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i;
  }
  return -1;
}

/** Parses a response head (status line and headers, without the blank line) (pure). */
export function parseHead(text: string): Head {
  const lines = text.split("\r\n");
  const status = Number(lines[0].split(" ")[1]);
  if (!Number.isInteger(status)) throw new Error(`Cannot parse HTTP status line "${lines[0]}"`);
  const headers = new Map<string, string>();
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) {
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
  }
  return { status, headers };
}

/** One keep-alive connection; requests on it run one at a time. */
export class RawConnection {
  #conn: Deno.TcpConn;
  #buf = new Uint8Array(0);
  #read = new Uint8Array(64 * 1024);
  #host: string;

  private constructor(conn: Deno.TcpConn, host: string) {
    this.#conn = conn;
    this.#host = host;
  }

  /** Connects to the origin of `url`. */
  static async open(url: string): Promise<RawConnection> {
    const u = new URL(url);
    const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
    conn.setNoDelay(true);
    return new RawConnection(conn, u.host);
  }

  /** Sends one request. */
  async send(
    method: string,
    path: string,
    headers: Record<string, string>,
    body = "",
  ): Promise<void> {
    const bytes = encoder.encode(body);
    let head = `${method} ${path} HTTP/1.1\r\nhost: ${this.#host}\r\n`;
    for (const [k, v] of Object.entries(headers)) head += `${k}: ${v}\r\n`;
    if (method !== "GET") head += `content-length: ${bytes.length}\r\n`;
    const head8 = encoder.encode(head + "\r\n");
    const all = new Uint8Array(head8.length + bytes.length);
    all.set(head8);
    all.set(bytes, head8.length);
    for (let off = 0; off < all.length;) off += await this.#conn.write(all.subarray(off));
  }

  async #fill(): Promise<void> {
    const n = await this.#conn.read(this.#read);
    if (n === null) throw new Error("Cannot read HTTP response: connection closed");
    const next = new Uint8Array(this.#buf.length + n);
    next.set(this.#buf);
    next.set(this.#read.subarray(0, n), this.#buf.length);
    this.#buf = next;
  }

  #take(n: number): Uint8Array {
    const out = this.#buf.subarray(0, n);
    this.#buf = this.#buf.subarray(n);
    return out;
  }

  /** Reads a response head. */
  async head(): Promise<Head> {
    let end: number;
    while ((end = headEnd(this.#buf)) < 0) await this.#fill();
    const head = parseHead(decoder.decode(this.#take(end)));
    this.#take(CRLF2.length);
    return head;
  }

  /** Reads a whole body (Content-Length or chunked) after `head`. */
  async body(head: Head): Promise<string> {
    if (head.headers.get("transfer-encoding")?.includes("chunked")) {
      let out = "";
      for (let chunk = await this.chunk(); chunk !== null; chunk = await this.chunk()) out += chunk;
      return out;
    }
    const length = Number(head.headers.get("content-length") ?? 0);
    while (this.#buf.length < length) await this.#fill();
    return decoder.decode(this.#take(length));
  }

  /** Reads the next chunk of a chunked body as text; null after the last one. */
  async chunk(): Promise<string | null> {
    let eol: number;
    while ((eol = this.#buf.indexOf(10)) < 0) await this.#fill();
    const size = parseInt(decoder.decode(this.#buf.subarray(0, eol)), 16);
    if (!Number.isInteger(size)) throw new Error("Cannot parse HTTP chunk size");
    this.#take(eol + 1);
    while (this.#buf.length < size + 2) await this.#fill();
    const data = decoder.decode(this.#take(size));
    this.#take(2);
    return size === 0 ? null : data;
  }

  /** Sends a request and reads its whole response; after `timeoutMs` the connection is closed. */
  async request(
    method: string,
    path: string,
    headers: Record<string, string>,
    body?: string,
    timeoutMs = 10_000,
  ): Promise<Head & { body: string }> {
    const timer = setTimeout(() => this.close(), timeoutMs);
    try {
      await this.send(method, path, headers, body);
      const head = await this.head();
      return { ...head, body: await this.body(head) };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Closes the connection. */
  close(): void {
    try {
      this.#conn.close();
    } catch { /* already closed */ }
  }
}
