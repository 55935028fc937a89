/**
 * A stdio MCP server in another container, wired through two FIFOs in a shared directory:
 * `DIR/in` (gateway writes, server stdin) and `DIR/out` (server stdout, gateway reads).
 * After EOF (the server container restarted) both FIFOs are reopened.
 */
import { encodeLine } from "../jsonrpc/framing.ts";
import type { Message } from "../jsonrpc/message.ts";
import type { Logger } from "../../lib/log.ts";
import { pumpLines } from "./_lines.ts";
import type { Upstream, UpstreamEvents } from "./types.ts";

/** Options of {@linkcode FifoUpstream}. */
export interface FifoOptions {
  dir: string;
  log: Logger;
}

/** Creates a FIFO at `path` unless something named so exists (the other side may race us). */
export async function ensureFifo(path: string): Promise<void> {
  try {
    const st = await Deno.lstat(path);
    if (st.isFifo) return;
    throw new TypeError(`Cannot use FIFO "${path}": it exists and is not a FIFO`);
  } catch (err) {
    if (!(err instanceof Deno.errors.NotFound)) throw err;
  }
  const out = await new Deno.Command("mkfifo", { args: ["-m", "600", path], stderr: "piped" })
    .output();
  if (!out.success) {
    const st = await Deno.lstat(path).catch(() => null);
    if (st?.isFifo) return;
    throw new Error(`Cannot create FIFO "${path}": ${new TextDecoder().decode(out.stderr)}`);
  }
}

/** Talks to a server through `DIR/in` and `DIR/out`, reopening them after EOF. */
export class FifoUpstream implements Upstream {
  #opts: FifoOptions;
  #in: Deno.FsFile | null = null;
  #writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  #closed = false;
  #done: Promise<void> = Promise.resolve();

  constructor(opts: FifoOptions) {
    this.#opts = opts;
  }

  get #inPath(): string {
    return `${this.#opts.dir}/in`;
  }

  get #outPath(): string {
    return `${this.#opts.dir}/out`;
  }

  /** Creates the FIFOs if needed and starts the open/read loop. */
  start(events: UpstreamEvents): void {
    this.#done = this.#loop(events);
  }

  async #loop(events: UpstreamEvents): Promise<void> {
    try {
      await ensureFifo(this.#inPath);
      await ensureFifo(this.#outPath);
    } catch (err) {
      this.#opts.log.error(String(err));
      events.down(String(err), false);
      return;
    }
    while (!this.#closed) {
      const [input, output] = await Promise.all([
        Deno.open(this.#inPath, { write: true }),
        Deno.open(this.#outPath, { read: true }),
      ]);
      if (this.#closed) {
        input.close();
        output.close();
        break;
      }
      this.#in = input;
      this.#writer = input.writable.getWriter();
      events.connected();
      const bad = (why: string) => this.#opts.log.warn("Dropped upstream line", { why });
      await pumpLines(output.readable, events, bad);
      this.#writer.close().catch(() => {});
      this.#writer = null;
      this.#in = null;
      events.down("FIFO reached EOF", !this.#closed);
      if (!this.#closed) await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Writes one message line to `DIR/in`. */
  send(msg: Message): boolean {
    if (!this.#writer) return false;
    this.#writer.write(encodeLine(msg)).catch(() => {});
    return true;
  }

  /** Stops reopening; unblocks pending opens by opening the FIFOs read-write ourselves. */
  async close(): Promise<void> {
    this.#closed = true;
    const unblock: Deno.FsFile[] = [];
    for (const p of [this.#inPath, this.#outPath]) {
      try {
        unblock.push(await Deno.open(p, { read: true, write: true }));
      } catch { /* not there */ }
    }
    this.#writer?.close().catch(() => {});
    // Writing EOF on the out side ends our own read loop.
    for (const f of unblock) f.close();
    // A live server still holds DIR/out open; do not wait on it for long.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const limit = new Promise<void>((r) => timer = setTimeout(r, 1000));
    await Promise.race([this.#done, limit]);
    clearTimeout(timer);
  }
}
