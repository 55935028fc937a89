/** A stdio MCP server run as a child process, restarted with backoff when it dies. */
import { encodeLine } from "../jsonrpc/framing.ts";
import type { Message } from "../jsonrpc/message.ts";
import type { Logger } from "../../lib/log.ts";
import { pumpLines } from "./_lines.ts";
import { backoffMs, type Upstream, type UpstreamEvents } from "./types.ts";

/** Options of {@linkcode StdioUpstream}. */
export interface StdioOptions {
  /** Program and arguments. */
  command: string[];
  /** Restart the child when it exits. Default true. */
  restart?: boolean;
  log: Logger;
}

/** Runs `command` and speaks newline-delimited JSON-RPC over its stdin/stdout. */
export class StdioUpstream implements Upstream {
  #opts: StdioOptions;
  #child: Deno.ChildProcess | null = null;
  #writer: WritableStreamDefaultWriter<Uint8Array> | null = null;
  #closed = false;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #done: Promise<void> = Promise.resolve();

  constructor(opts: StdioOptions) {
    this.#opts = opts;
  }

  /** Starts the child process. */
  start(events: UpstreamEvents): void {
    this.#done = this.#run(events);
  }

  async #run(events: UpstreamEvents): Promise<void> {
    const [cmd, ...args] = this.#opts.command;
    const started = Date.now();
    let child: Deno.ChildProcess;
    try {
      child = new Deno.Command(cmd, { args, stdin: "piped", stdout: "piped", stderr: "inherit" })
        .spawn();
    } catch (err) {
      this.#opts.log.error("Cannot start upstream command", { cmd, error: String(err) });
      return this.#retry(events, `spawn failed: ${err}`, started);
    }
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    events.connected();
    const bad = (why: string) => this.#opts.log.warn("Dropped upstream line", { why });
    await pumpLines(child.stdout, events, bad);
    const status = await child.status;
    this.#writer.close().catch(() => {});
    this.#writer = null;
    this.#child = null;
    return this.#retry(events, `exited with code ${status.code}`, started);
  }

  #retry(events: UpstreamEvents, reason: string, started: number): void {
    const restarting = !this.#closed && this.#opts.restart !== false;
    events.down(reason, restarting);
    if (!restarting) return;
    if (Date.now() - started > 30_000) this.#attempt = 0;
    const delay = backoffMs(this.#attempt++);
    this.#opts.log.warn("Upstream down, restarting", { reason, delayMs: delay });
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (!this.#closed) this.#done = this.#run(events);
    }, delay);
  }

  /** Writes one message line to the child's stdin. */
  send(msg: Message): boolean {
    if (!this.#writer) return false;
    this.#writer.write(encodeLine(msg)).catch(() => {});
    return true;
  }

  /** The child's pid, when running (tests kill it). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Kills the child and stops restarting. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    const child = this.#child;
    if (child) {
      this.#writer?.close().catch(() => {});
      const t = setTimeout(() => child.kill("SIGKILL"), 2000);
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      await child.status;
      clearTimeout(t);
    }
    await this.#done;
  }
}
