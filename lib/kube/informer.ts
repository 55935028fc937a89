/**
 * A list+watch cache of one resource collection. It re-lists on 410 Gone, re-watches from the
 * last resourceVersion when a watch ends, backs off on errors, and restarts a watch that has
 * been silent longer than `idleTimeoutMs` (client-node's informer dies silently on idle
 * watches under Deno; this one cannot).
 */

import type { ObjectMeta } from "../api/mod.ts";
import type { Logger } from "../log.ts";
import type { KubeClient } from "./client.ts";
import { isGone } from "./errors.ts";
import { readWatch } from "./watch.ts";

/** An object with metadata. */
export interface KubeObj {
  metadata: ObjectMeta;
}

/** A change seen by an informer. */
export interface InformerEvent<T> {
  type: "ADDED" | "MODIFIED" | "DELETED";
  object: T;
  old?: T;
}

/** Options of an {@linkcode Informer}. */
export interface InformerOptions {
  /** Collection path, e.g. `/api/v1/pods` or `/api/v1/namespaces/x/pods`. */
  path: string;
  labelSelector?: string;
  /** Restart a watch that received nothing (not even a newline) for this long. Default 5 min. */
  idleTimeoutMs?: number;
  /** Changes each received object before it is cached (e.g. dropping managedFields). */
  transform?: (obj: KubeObj) => void;
  /** Server-side watch timeout in seconds. Default 290. */
  watchTimeoutSeconds?: number;
  log: Logger;
}

/** Drops what the operator never reads (managedFields, last-applied) to save memory. */
export function stripMetadata(obj: KubeObj): void {
  const m = obj.metadata as KubeObj["metadata"] & { managedFields?: unknown };
  delete m.managedFields;
  if (m.annotations) delete m.annotations["kubectl.kubernetes.io/last-applied-configuration"];
}

/** The namespace/name key of an object. */
export function keyOf(o: KubeObj): string {
  return o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : o.metadata.name!;
}

/** A list+watch cache of one collection. */
export class Informer<T extends KubeObj> {
  /** The cache: namespace/name → object. Never mutate what you read. */
  readonly store = new Map<string, T>();
  #handlers: ((e: InformerEvent<T>) => void)[] = [];
  #abort = new AbortController();
  #loop?: Promise<void>;
  #synced = false;
  #rv = "";

  /** Creates an informer; nothing happens before {@linkcode start}. */
  constructor(readonly client: KubeClient, readonly opts: InformerOptions) {}

  /** Adds a change handler (called synchronously, after the store is updated). */
  on(handler: (e: InformerEvent<T>) => void): void {
    this.#handlers.push(handler);
  }

  /** Whether the first list has completed. */
  get synced(): boolean {
    return this.#synced;
  }

  /** Starts list+watch; resolves once the first list is in the store. */
  start(): Promise<void> {
    const { promise, resolve } = Promise.withResolvers<void>();
    this.#loop = this.#run(resolve);
    return Promise.race([promise, this.#loop]);
  }

  /** Stops watching and waits for the loop to end. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  /** Puts an object just written into the cache (a later watch event overwrites it). */
  upsert(obj: T): void {
    this.opts.transform?.(obj);
    const key = keyOf(obj);
    const old = this.store.get(key);
    this.store.set(key, obj);
    this.#emit({ type: old ? "MODIFIED" : "ADDED", object: obj, old });
  }

  #emit(e: InformerEvent<T>): void {
    for (const h of this.#handlers) {
      try {
        h(e);
      } catch (err) {
        this.opts.log.error("informer handler failed", { error: String(err) });
      }
    }
  }

  async #run(onSynced: () => void): Promise<void> {
    let backoff = 500;
    const signal = this.#abort.signal;
    while (!signal.aborted) {
      try {
        await this.#list();
        if (!this.#synced) {
          this.#synced = true;
          onSynced();
        }
        backoff = 500;
        while (!signal.aborted) await this.#watch();
      } catch (err) {
        if (signal.aborted) break;
        if (!isGone(err)) {
          this.opts.log.warn("list/watch failed; retrying", {
            path: this.opts.path,
            error: String(err),
            backoffMs: backoff,
          });
          await sleep(backoff, signal);
          backoff = Math.min(backoff * 2, 30_000);
        }
      }
    }
  }

  async #list(): Promise<void> {
    const seen = new Map<string, T>();
    let cont: string | undefined;
    let rv = "";
    do {
      const list = await this.client.request<
        { items: T[]; metadata: ObjectMeta & { continue?: string } }
      >(
        "GET",
        this.opts.path,
        {
          query: { labelSelector: this.opts.labelSelector, limit: 500, continue: cont },
          signal: this.#abort.signal,
        },
      );
      for (const item of list.items ?? []) {
        this.opts.transform?.(item);
        seen.set(keyOf(item), item);
      }
      cont = list.metadata?.continue || undefined;
      rv = list.metadata?.resourceVersion ?? "";
    } while (cont);
    for (const [key, old] of this.store) {
      if (!seen.has(key)) {
        this.store.delete(key);
        this.#emit({ type: "DELETED", object: old });
      }
    }
    for (const [key, obj] of seen) {
      const old = this.store.get(key);
      if (old?.metadata.resourceVersion === obj.metadata.resourceVersion) continue;
      this.store.set(key, obj);
      this.#emit({ type: old ? "MODIFIED" : "ADDED", object: obj, old });
    }
    this.#rv = rv;
  }

  #apply(type: string, obj: T): void {
    if (obj.metadata?.resourceVersion) this.#rv = obj.metadata.resourceVersion;
    if (type === "BOOKMARK") return;
    this.opts.transform?.(obj);
    const key = keyOf(obj);
    const old = this.store.get(key);
    if (type === "DELETED") {
      this.store.delete(key);
      this.#emit({ type: "DELETED", object: obj, old });
      return;
    }
    if (old && old.metadata.resourceVersion === obj.metadata.resourceVersion) return;
    this.store.set(key, obj);
    this.#emit({ type: old ? "MODIFIED" : "ADDED", object: obj, old });
  }

  async #watch(): Promise<void> {
    const idleMs = this.opts.idleTimeoutMs ?? 300_000;
    const ctl = new AbortController();
    const outer = () => ctl.abort();
    this.#abort.signal.addEventListener("abort", outer);
    let timer = setTimeout(() => ctl.abort(), idleMs);
    const poke = () => {
      clearTimeout(timer);
      timer = setTimeout(() => ctl.abort(), idleMs);
    };
    try {
      const res = await this.client.stream(this.opts.path, {
        query: {
          watch: true,
          resourceVersion: this.#rv,
          allowWatchBookmarks: true,
          timeoutSeconds: this.opts.watchTimeoutSeconds ?? 290,
          labelSelector: this.opts.labelSelector,
        },
        signal: ctl.signal,
      });
      await readWatch<T>(res.body!, (ev) => this.#apply(ev.type, ev.object), { onChunk: poke });
    } catch (err) {
      if (ctl.signal.aborted && !this.#abort.signal.aborted) {
        this.opts.log.info("watch silent too long; restarting", { path: this.opts.path });
        return;
      }
      throw err;
    } finally {
      clearTimeout(timer);
      this.#abort.signal.removeEventListener("abort", outer);
    }
  }
}

/** Sleeps `ms`, waking early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done);
  });
}
