/**
 * Watch streams: newline-delimited `{"type","object"}` events, replay from a
 * resourceVersion, 410 Expired past the window, bookmarks, keep-alive lines and timeouts.
 *
 * @module
 */

import { type Api, selectorPredicate } from "./api.ts";
import type { Obj } from "./patch.ts";
import { type ResourceType, storageKey } from "./resources.ts";
import { ApiError, expired, statusBody } from "./status.ts";
import { metaOf, type StoreEvent } from "./store.ts";
import { buildTable } from "./table.ts";

/** The parameters of one watch request. */
export interface WatchParams {
  namespace?: string;
  resourceVersion?: string;
  labelSelector?: string;
  fieldSelector?: string;
  timeoutSeconds?: number;
  allowWatchBookmarks?: boolean;
  /** Send one-row Tables (kubectl get -w). */
  table?: boolean;
  /** Interval of keep-alive lines (and bookmarks when allowed). Default 10 s. */
  keepAliveMs?: number;
}

/** Open watches, so the server can end them all at shutdown. */
export class WatchHub {
  #closers = new Set<() => void>();

  /** Registers a closer; returns its removal. */
  add(close: () => void): () => void {
    this.#closers.add(close);
    return () => this.#closers.delete(close);
  }

  /** The number of open watches. */
  get size(): number {
    return this.#closers.size;
  }

  /** Ends every open watch. */
  closeAll(): void {
    for (const c of [...this.#closers]) c();
  }
}

const enc = new TextEncoder();

type Line = { type: string; object: Obj };

/** Maps a store event to the event a filtered watch sees (or none). */
export function translate(
  e: StoreEvent,
  ns: string | undefined,
  keep: (o: Obj) => boolean,
): { type: string; obj: Obj } | undefined {
  const inNs = (o: Obj) => ns === undefined || metaOf(o).namespace === ns;
  const now = inNs(e.obj) && keep(e.obj);
  const before = e.prev !== undefined && inNs(e.prev) && keep(e.prev);
  if (e.type === "DELETED") return before ? { type: "DELETED", obj: e.obj } : undefined;
  if (now && before) return { type: "MODIFIED", obj: e.obj };
  if (now) return { type: "ADDED", obj: e.obj };
  if (before) return { type: "DELETED", obj: e.obj };
  return undefined;
}

/** The events a new watch starts with (undefined when `rv` is past the window: 410). */
export function initialEvents(
  api: Api,
  skey: string,
  ns: string | undefined,
  keep: (o: Obj) => boolean,
  rv?: string,
): { type: string; obj: Obj }[] | undefined {
  if (!rv || rv === "0") {
    return api.store.list(skey, ns, keep).map((obj) => ({ type: "ADDED", obj }));
  }
  const events = api.store.since(Number(rv));
  if (events === undefined) return undefined;
  return events.filter((e) => e.skey === skey).flatMap((e) => translate(e, ns, keep) ?? []);
}

/** Turns events into lines: objects, or one-row Tables with headers only in the first. */
function lineMaker(api: Api, rt: ResourceType, table: boolean): (type: string, obj: Obj) => Line {
  let headersSent = false;
  return (type, obj) => {
    const o = api.present(rt, obj);
    if (!table) return { type, object: o };
    const meta = { resourceVersion: metaOf(o).resourceVersion };
    const t = buildTable(rt, [o], api.now(), meta, !headersSent);
    headersSent = true;
    return { type, object: t };
  };
}

/** The periodic line: a BOOKMARK when allowed, else a bare newline. */
function keepAlive(api: Api, rt: ResourceType, bookmarks: boolean): Line | string {
  if (!bookmarks) return "\n";
  const apiVersion = api.present(rt, { metadata: {} }).apiVersion;
  const metadata = { resourceVersion: String(api.store.rv) };
  return { type: "BOOKMARK", object: { kind: rt.kind, apiVersion, metadata } };
}

/** Starts a watch and returns its streaming response. */
export function watchResponse(api: Api, hub: WatchHub, rt: ResourceType, p: WatchParams): Response {
  const keep = selectorPredicate(p.labelSelector, p.fieldSelector);
  const skey = storageKey(rt);
  const ns = rt.namespaced ? p.namespace : undefined;
  const toLine = lineMaker(api, rt, p.table === true);
  let cleanup = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(ctrl) {
      const send = (l: Line | string) => {
        try {
          ctrl.enqueue(enc.encode(typeof l === "string" ? l : JSON.stringify(l) + "\n"));
        } catch {
          cleanup();
        }
      };
      const first = initialEvents(api, skey, ns, keep, p.resourceVersion);
      if (first === undefined) {
        const gone = expired(p.resourceVersion!, api.store.oldestRv());
        send({ type: "ERROR", object: statusBody(gone) });
        ctrl.close();
        return;
      }
      for (const e of first) send(toLine(e.type, e.obj));
      const unsub = api.store.subscribe((e) => {
        const t = e.skey === skey ? translate(e, ns, keep) : undefined;
        if (t) send(toLine(t.type, t.obj));
      });
      const tick = setInterval(
        () => send(keepAlive(api, rt, p.allowWatchBookmarks === true)),
        p.keepAliveMs ?? 10_000,
      );
      const timer = p.timeoutSeconds && p.timeoutSeconds > 0
        ? setTimeout(() => cleanup(), p.timeoutSeconds * 1000)
        : undefined;
      let done = false;
      const unhub = hub.add(() => cleanup());
      cleanup = () => {
        if (done) return;
        done = true;
        unsub();
        unhub();
        clearInterval(tick);
        if (timer !== undefined) clearTimeout(timer);
        try {
          ctrl.close();
        } catch {
          // Already closed or errored by the client going away.
        }
      };
    },
    cancel() {
      cleanup();
    },
  });
  return new Response(body, {
    status: 200,
    headers: { "content-type": "application/json", "cache-control": "no-cache, private" },
  });
}

/** Parses the numeric query parameter `timeoutSeconds` (400 when malformed). */
export function parseTimeout(v: string | null): number | undefined {
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    throw new ApiError(400, "BadRequest", `invalid timeoutSeconds: ${v}`);
  }
  return n;
}

/** Parses a Go duration (`32s`, `1m0s`, `1h`, `500ms`) into seconds; undefined if absent. */
export function parseGoDuration(v: string | null): number | undefined {
  if (!v) return undefined;
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 0.001 };
  let total = 0;
  const re = /(\d+(?:\.\d+)?)(ms|h|m|s)/g;
  let seen = "";
  for (const m of v.matchAll(re)) {
    total += Number(m[1]) * units[m[2]];
    seen += m[0];
  }
  if (seen !== v) throw new ApiError(400, "BadRequest", `invalid timeout: ${v}`);
  return total;
}
