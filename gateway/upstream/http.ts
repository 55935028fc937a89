/** Proxies an upstream Streamable HTTP MCP server, acting as one client towards it. */
import { classify, type Message } from "../jsonrpc/message.ts";
import type { Logger } from "../../lib/log.ts";
import { parseSse } from "./_sse_parse.ts";
import { backoffMs, type Upstream, type UpstreamEvents } from "./types.ts";

/** Options of {@linkcode HttpUpstream}. */
export interface HttpUpstreamOptions {
  url: string;
  log: Logger;
}

/** One client of an upstream `/mcp` endpoint; the gateway multiplexes its sessions over it. */
export class HttpUpstream implements Upstream {
  #opts: HttpUpstreamOptions;
  #events: UpstreamEvents | null = null;
  #session: string | null = null;
  #version: string | null = null;
  #abort = new AbortController();
  #inflight = new Set<Promise<void>>();
  #up = false;
  #attempt = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(opts: HttpUpstreamOptions) {
    this.#opts = opts;
  }

  /** Reports connected at once; the first failing POST reports down. */
  start(events: UpstreamEvents): void {
    this.#events = events;
    this.#up = true;
    events.connected();
  }

  /** POSTs one message; answers arrive through `events.message`. */
  send(msg: Message): boolean {
    if (!this.#up) return false;
    const p = this.#post(msg).finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
    return true;
  }

  #headers(): Record<string, string> {
    const h: Record<string, string> = {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    };
    if (this.#session) h["mcp-session-id"] = this.#session;
    if (this.#version) h["mcp-protocol-version"] = this.#version;
    return h;
  }

  async #post(msg: Message): Promise<void> {
    const init = msg.method === "initialize";
    if (init) this.#session = this.#version = null;
    let res: Response;
    try {
      res = await fetch(this.#opts.url, {
        method: "POST",
        headers: this.#headers(),
        body: JSON.stringify(msg),
        signal: this.#abort.signal,
      });
    } catch (err) {
      return this.#fail(`Cannot reach upstream "${this.#opts.url}": ${err}`);
    }
    if (init) this.#session = res.headers.get("mcp-session-id");
    if (res.status === 404 && this.#session && !init) {
      await res.body?.cancel();
      return this.#fail("Upstream session expired");
    }
    await this.#readBody(res, init);
    if (msg.method === "notifications/initialized") this.#openGetStream();
  }

  async #readBody(res: Response, init: boolean): Promise<void> {
    const type = res.headers.get("content-type") ?? "";
    if (type.includes("text/event-stream") && res.body) {
      try {
        for await (const ev of parseSse(res.body)) this.#deliver(ev.data, init);
      } catch { /* stream cut: pending requests fail when the hub notices */ }
      return;
    }
    const text = await res.text().catch(() => "");
    if (type.includes("application/json") && text) this.#deliver(text, init);
  }

  #deliver(text: string, init: boolean): void {
    this.#events?.bytes?.(text.length);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      return;
    }
    for (const m of Array.isArray(value) ? value : [value]) {
      if (classify(m) === "invalid") continue;
      const r = (m as Message).result as { protocolVersion?: string } | undefined;
      if (init && typeof r?.protocolVersion === "string") this.#version = r.protocolVersion;
      this.#events?.message(m as Message);
    }
  }

  #openGetStream(): void {
    const p = (async () => {
      try {
        const headers = this.#headers();
        headers.accept = "text/event-stream";
        const res = await fetch(this.#opts.url, { headers, signal: this.#abort.signal });
        if (!res.ok || !res.body) return void await res.body?.cancel();
        for await (const ev of parseSse(res.body)) this.#deliver(ev.data, false);
      } catch { /* optional stream */ }
    })().finally(() => this.#inflight.delete(p));
    this.#inflight.add(p);
  }

  #fail(reason: string): void {
    if (!this.#up || this.#abort.signal.aborted) return;
    this.#up = false;
    this.#events?.down(reason, true);
    const delay = backoffMs(this.#attempt++);
    this.#opts.log.warn("Upstream down, retrying", { reason, delayMs: delay });
    this.#timer = setTimeout(() => {
      if (this.#abort.signal.aborted) return;
      this.#up = true;
      this.#events?.connected();
    }, delay);
  }

  /** Aborts every request and ends the upstream session. */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    this.#abort.abort();
    this.#up = false;
    await Promise.allSettled([...this.#inflight]);
    if (this.#session) {
      await fetch(this.#opts.url, { method: "DELETE", headers: this.#headers() })
        .then((r) => r.body?.cancel()).catch(() => {});
    }
  }
}
