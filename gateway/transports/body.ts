/**
 * Request bodies read with a size cap and a deadline: a client dripping its body is cut off
 * by one sweep over the reads in progress (no timer per request), and a body still arriving
 * does not count as a live connection.
 */
import { ErrorCode } from "../jsonrpc/message.ts";
import { rpcError } from "./context.ts";

/** Bodies being read now, with their deadlines. */
export class BodyReads {
  #open = new Map<ReadableStreamDefaultReader<Uint8Array>, number>();
  #cut = new WeakSet<ReadableStreamDefaultReader<Uint8Array>>();
  readonly timeoutMs: number;
  #now: () => number;

  constructor(timeoutMs: number, now: () => number) {
    this.timeoutMs = timeoutMs;
    this.#now = now;
  }

  /** How many bodies are still arriving. */
  get size(): number {
    return this.#open.size;
  }

  /** Cancels every read past its deadline. */
  sweep(): void {
    const now = this.#now();
    for (const [reader, deadline] of this.#open) {
      if (deadline > now) continue;
      this.#open.delete(reader);
      this.#cut.add(reader);
      reader.cancel("Request body too slow").catch(() => {});
    }
  }

  /** Starts watching a read. */
  add(reader: ReadableStreamDefaultReader<Uint8Array>): void {
    this.#open.set(reader, this.#now() + this.timeoutMs);
  }

  /** Stops watching a read; true when the sweep cut it. */
  done(reader: ReadableStreamDefaultReader<Uint8Array>): boolean {
    this.#open.delete(reader);
    return this.#cut.has(reader);
  }
}

const decoder = new TextDecoder();

/** Reads a request body as text: 413 past `max` bytes, 408 when it does not arrive in time. */
export async function readBody(
  req: Request,
  max: number,
  reads: BodyReads,
): Promise<string | Response> {
  const tooBig = () =>
    rpcError(413, ErrorCode.InvalidRequest, `Request body larger than ${max} bytes`);
  if (Number(req.headers.get("content-length") ?? NaN) > max) {
    await req.body?.cancel();
    return tooBig();
  }
  if (!req.body) return "";
  const reader = req.body.getReader();
  reads.add(reader);
  const chunks: Uint8Array[] = [];
  let size = 0, cut = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > max) {
        reader.cancel().catch(() => {});
        return tooBig();
      }
      chunks.push(value);
    }
  } catch {
    return rpcError(400, ErrorCode.InvalidRequest, "Cannot read request body: connection lost");
  } finally {
    cut = reads.done(reader);
  }
  if (cut) {
    const text = `Cannot read request body: not received in ${reads.timeoutMs / 1000} s`;
    return rpcError(408, ErrorCode.InvalidRequest, text);
  }
  if (chunks.length === 1) return decoder.decode(chunks[0]);
  const all = new Uint8Array(size);
  let off = 0;
  for (const c of chunks) {
    all.set(c, off);
    off += c.length;
  }
  return decoder.decode(all);
}
