/** Proxies an upstream legacy HTTP+SSE MCP server (GET stream + POST endpoint). */
import { classify, type Message } from "../jsonrpc/message.ts";
import type { Logger } from "../../lib/log.ts";
import { parseSse } from "./_sse_parse.ts";
import { backoffMs, type Upstream, type UpstreamEvents } from "./types.ts";

/** Options of {@linkcode SseUpstream}. */
export interface SseUpstreamOptions {
  url: string;
  log: Logger;
}

/** One legacy SSE client of the upstream; reconnects with backoff when the stream ends. */
export class SseUpstream implements Upstream {
  #opts: SseUpstreamOptions;
  #endpoint: string | null = null;
  #abort = new AbortController();
  #done: Promise<void> = Promise.resolve();
  #posts = new Set<Promise<void>>();

  constructor(opts: SseUpstreamOptions) {
    this.#opts = opts;
  }

  /** Opens the event stream and keeps it open. */
  start(events: UpstreamEvents): void {
    this.#done = this.#loop(events);
  }

  async #loop(events: UpstreamEvents): Promise<void> {
    for (let attempt = 0; !this.#abort.signal.aborted; attempt++) {
      const started = Date.now();
      const reason = await this.#stream(events);
      this.#endpoint = null;
      if (this.#abort.signal.aborted) return;
      events.down(reason, true);
      if (Date.now() - started > 30_000) attempt = 0;
      const delay = backoffMs(attempt);
      this.#opts.log.warn("Upstream down, reconnecting", { reason, delayMs: delay });
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, delay);
        this.#abort.signal.addEventListener("abort", () => {
          clearTimeout(t);
          resolve();
        }, { once: true });
      });
    }
  }

  async #stream(events: UpstreamEvents): Promise<string> {
    try {
      const res = await fetch(this.#opts.url, {
        headers: { accept: "text/event-stream" },
        signal: this.#abort.signal,
      });
      if (!res.ok || !res.body) {
        await res.body?.cancel();
        return `Cannot open upstream stream "${this.#opts.url}": HTTP ${res.status}`;
      }
      for await (const ev of parseSse(res.body)) {
        if (ev.event === "endpoint") {
          this.#endpoint = new URL(ev.data, this.#opts.url).href;
          events.connected();
          continue;
        }
        events.bytes?.(ev.data.length);
        let m: unknown;
        try {
          m = JSON.parse(ev.data);
        } catch {
          continue;
        }
        if (classify(m) !== "invalid") events.message(m as Message);
      }
      return "Upstream stream ended";
    } catch (err) {
      return `Upstream stream failed: ${err}`;
    }
  }

  /** POSTs one message to the endpoint the server announced. */
  send(msg: Message): boolean {
    const endpoint = this.#endpoint;
    if (!endpoint) return false;
    const p = fetch(endpoint, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(msg),
      signal: this.#abort.signal,
    }).then((r) => r.body?.cancel()).catch(() => {}).finally(() => this.#posts.delete(p));
    this.#posts.add(p);
    return true;
  }

  /** Closes the stream and stops reconnecting. */
  async close(): Promise<void> {
    this.#abort.abort();
    await Promise.allSettled([this.#done, ...this.#posts]);
  }
}
