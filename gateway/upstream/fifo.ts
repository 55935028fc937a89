/**
 * A stdio MCP server in another container, wired through two FIFOs in a shared directory:
 * `DIR/in` (gateway writes, server stdin) and `DIR/out` (server stdout, gateway reads).
 * After EOF (the server container restarted) both FIFOs are reopened.
 *
 * Uses node:fs streams (Deno's FsFile reads report EOF on FIFOs at once, measured on 2.9.6),
 * imported lazily: the Node compatibility layer costs ~10 MB of RSS in the other modes.
 */
import type { ReadStream, WriteStream } from "node:fs";
import { encodeLine } from "../jsonrpc/framing.ts";
import type { Message } from "../jsonrpc/message.ts";
import type { Logger } from "../../lib/log.ts";
import { lineParser } from "./_lines.ts";
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
  #writer: WriteStream | null = null;
  #fs: typeof import("node:fs") | null = null;
  #closed = false;
  #done: Promise<void> = Promise.resolve();
  #current: (() => void) | null = null;

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
      this.#fs = await import("node:fs");
      await ensureFifo(this.#inPath);
      await ensureFifo(this.#outPath);
    } catch (err) {
      this.#opts.log.error(String(err));
      events.down(String(err), false);
      return;
    }
    while (!this.#closed) {
      const wasUp = await this.#connect(events);
      if (wasUp) events.down("FIFO reached EOF", !this.#closed);
      if (!this.#closed) await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** One open/read round; resolves at EOF with whether both ends had opened. */
  #connect(events: UpstreamEvents): Promise<boolean> {
    const fs = this.#fs!;
    return new Promise((resolve) => {
      const reader: ReadStream = fs.createReadStream(this.#outPath, { highWaterMark: 65536 });
      const writer: WriteStream = fs.createWriteStream(this.#inPath);
      let opened = 0, finished = false;
      const onOpen = () => {
        if (++opened < 2 || this.#closed) return;
        this.#writer = writer;
        events.connected();
      };
      const finish = () => {
        if (finished) return;
        finished = true;
        this.#current = null;
        this.#writer = null;
        writer.destroy();
        reader.destroy();
        resolve(opened === 2);
      };
      this.#current = finish;
      reader.on("open", onOpen);
      writer.on("open", onOpen);
      writer.on("error", (err) => this.#opts.log.warn("Cannot write FIFO", { error: String(err) }));
      const parse = lineParser(
        events,
        (why) => this.#opts.log.warn("Dropped upstream line", { why }),
      );
      reader.on("data", (chunk) => parse(chunk as Uint8Array));
      reader.on("end", finish);
      reader.on("error", finish);
    });
  }

  /** Writes one message line to `DIR/in`. */
  send(msg: Message): boolean {
    if (!this.#writer) return false;
    this.#writer.write(encodeLine(msg));
    return true;
  }

  /** Stops reopening; unblocks pending opens by opening the FIFOs read-write ourselves. */
  async close(): Promise<void> {
    this.#closed = true;
    const fds: number[] = [];
    const fs = this.#fs;
    for (const p of fs ? [this.#inPath, this.#outPath] : []) {
      try {
        fds.push(fs!.openSync(p, "r+"));
      } catch { /* not there */ }
    }
    await new Promise((r) => setTimeout(r, 20));
    this.#current?.();
    await this.#done;
    for (const fd of fds) fs?.closeSync(fd);
  }
}
