/**
 * The declared objects behind the {@linkcode Upstream} interface, so sessions, transports,
 * bounds, metrics and traces work on them unchanged. Virtual (no inner upstream): it is the MCP
 * server. Merge mode: it sits in front of the real upstream, extends its list answers and
 * capabilities, and answers calls of declared names itself.
 */
import { ErrorCode, errorResponse, type Id, type Json, type Message } from "../jsonrpc/message.ts";
import type { Logger } from "../../lib/log.ts";
import type { Upstream, UpstreamEvents } from "../upstream/types.ts";
import type { DeclaredCatalog } from "./catalog.ts";
import type { ListKind } from "./file.ts";
import { answer, DECLARED_METHODS } from "./handlers.ts";
import {
  answersLocally,
  keysOf,
  LISTS,
  mergeList,
  noNames,
  type UpstreamNames,
  upstreamOffers,
  withDeclaredCapabilities,
} from "./merge.ts";

/** Options of {@linkcode DeclaredUpstream}. */
export interface DeclaredUpstreamOptions {
  catalog: DeclaredCatalog;
  /** The real server (merge mode), or null (virtual). */
  inner: Upstream | null;
  /** serverInfo.name of a virtual server. */
  serverName: string;
  log: Logger;
}

const MAX_PAGES = 50;
const INTERNAL = "nmcp-declared:";

/** Serves declared tools, prompts and resources alone or merged into an upstream's. */
export class DeclaredUpstream implements Upstream {
  #opts: DeclaredUpstreamOptions;
  #events: UpstreamEvents | null = null;
  #unsubscribe: (() => void) | null = null;
  /** Local answers in flight, by request id, to abort on cancellation. */
  #local = new Map<Id, AbortController>();
  /** Merge mode: list requests sent up, by id; the initialize request's id; the server's caps. */
  #lists = new Map<Id, string>();
  #initId: Id | null = null;
  #caps: unknown = null;
  #names: UpstreamNames = noNames();
  #internal = new Map<string, (msg: Message | null) => void>();
  #next = 1;

  constructor(opts: DeclaredUpstreamOptions) {
    this.#opts = opts;
  }

  start(events: UpstreamEvents): void {
    this.#events = events;
    this.#unsubscribe = this.#opts.catalog.subscribe((kinds) => this.#changed(kinds));
    const inner = this.#opts.inner;
    if (!inner) return void queueMicrotask(() => events.connected());
    inner.start({
      ...events,
      message: (msg) => this.#fromInner(msg),
      down: (reason, restarting) => {
        this.#forgetUpstream();
        events.down(reason, restarting);
      },
    });
  }

  send(msg: Message): boolean {
    if (!this.#events) return false;
    if (msg.method === "notifications/cancelled") {
      const local = this.#local.get(msg.params?.requestId as Id);
      if (local) {
        local.abort(); // the router already answered the client
        return true;
      }
    }
    const inner = this.#opts.inner;
    if (!inner) return this.#virtual(msg);
    if (msg.id == null || msg.method === undefined) return inner.send(msg);
    if (answersLocally(this.#opts.catalog.current, msg, this.#names, this.#caps)) {
      return this.#reply(msg);
    }
    if (msg.method === "initialize") this.#initId = msg.id;
    else if (msg.method in LISTS) this.#lists.set(msg.id, msg.method);
    const sent = inner.send(msg);
    if (sent && msg.method === "notifications/initialized") this.#refreshNames();
    return sent;
  }

  /** Virtual mode: every request is answered here; notifications need nothing. */
  #virtual(msg: Message): boolean {
    if (msg.id == null || msg.method === undefined) return true;
    if (msg.method === "initialize") {
      return this.#emit({
        jsonrpc: "2.0",
        id: msg.id,
        result: {
          protocolVersion: msg.params?.protocolVersion,
          capabilities: withDeclaredCapabilities({}),
          serverInfo: { name: this.#opts.serverName, version: "declared" },
        },
      });
    }
    if (DECLARED_METHODS.has(msg.method)) return this.#reply(msg);
    if (msg.method === "ping" || msg.method.startsWith("resources/")) {
      return this.#emit({ jsonrpc: "2.0", id: msg.id, result: {} }); // (un)subscribe: no updates
    }
    const text = `Method not found: ${msg.method}`;
    return this.#emit(errorResponse(msg.id, ErrorCode.MethodNotFound, text));
  }

  /** Answers a request from the declared objects, asynchronously. */
  #reply(msg: Message): boolean {
    const id = msg.id as Id;
    const abort = new AbortController();
    this.#local.set(id, abort);
    answer(this.#opts.catalog.current, msg.method as string, msg.params ?? {}, abort.signal)
      .catch((err) => ({ error: { code: ErrorCode.InternalError, message: String(err) } }))
      .then((a) => {
        this.#local.delete(id);
        if (!abort.signal.aborted) this.#emit({ jsonrpc: "2.0", id, ...a });
      });
    return true;
  }

  #emit(msg: Message): boolean {
    const events = this.#events;
    if (!events) return false;
    queueMicrotask(() => events.message(msg));
    return true;
  }

  /** Merge mode: extends initialize and list answers; keeps the upstream's names current. */
  #fromInner(msg: Message): void {
    const events = this.#events;
    if (!events) return;
    if (msg.method === undefined && msg.id != null) {
      const id: Id = msg.id;
      const internal = typeof msg.id === "string" ? this.#internal.get(msg.id) : undefined;
      if (internal) return internal(msg);
      if (msg.id === this.#initId && msg.result) {
        this.#initId = null;
        const r = msg.result as Json;
        this.#caps = r.capabilities ?? {};
        msg = { ...msg, result: { ...r, capabilities: withDeclaredCapabilities(r.capabilities) } };
      }
      const method = this.#lists.get(id);
      if (method !== undefined) {
        this.#lists.delete(id);
        if (msg.result !== undefined) {
          const known = this.#names[method];
          const result = mergeList(method, msg.result, this.#opts.catalog.current, known);
          msg = { ...msg, result };
        }
      }
    } else if (msg.method?.endsWith("/list_changed") && msg.id === undefined) {
      this.#refreshNames();
    }
    events.message(msg);
  }

  /** Lists every page of the upstream's own lists, to know which declared names clash. */
  #refreshNames(): void {
    for (const method of Object.keys(LISTS)) {
      if (!upstreamOffers(this.#caps, method)) continue;
      void this.#collect(method).then((keys) => {
        if (keys) this.#names[method] = keys;
      });
    }
  }

  async #collect(method: string): Promise<Set<string> | null> {
    const keys = new Set<string>();
    let cursor: unknown = undefined;
    for (let page = 0; page < MAX_PAGES; page++) {
      const res = await this.#request(method, cursor === undefined ? {} : { cursor });
      if (!res || res.error) return null;
      for (const k of keysOf(method, res.result)) keys.add(k);
      cursor = (res.result as Json | undefined)?.nextCursor;
      if (cursor === undefined) return keys;
    }
    return keys;
  }

  #request(method: string, params: Json): Promise<Message | null> {
    const id = `${INTERNAL}${this.#next++}`;
    return new Promise((resolve) => {
      const done = (msg: Message | null) => {
        clearTimeout(timer);
        this.#internal.delete(id);
        resolve(msg);
      };
      const timer = setTimeout(() => done(null), 10_000);
      this.#internal.set(id, done);
      if (!this.#opts.inner?.send({ jsonrpc: "2.0", id, method, params })) done(null);
    });
  }

  #forgetUpstream(): void {
    this.#lists.clear();
    this.#caps = null;
    this.#names = noNames();
    for (const done of [...this.#internal.values()]) done(errorResponse(null, -32000, "down"));
  }

  /** The declared file changed: every session hears which lists did. */
  #changed(kinds: ListKind[]): void {
    for (const kind of kinds) {
      this.#emit({ jsonrpc: "2.0", method: `notifications/${kind}/list_changed` });
    }
  }

  async close(): Promise<void> {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    for (const abort of this.#local.values()) abort.abort();
    this.#local.clear();
    this.#forgetUpstream();
    this.#events = null;
    await this.#opts.inner?.close();
  }
}
