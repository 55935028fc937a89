/**
 * The object store: objects by storage key, a global resourceVersion counter, a window of
 * recent change events for watches, and an optional JSON snapshot on disk.
 *
 * @module
 */

import { clone, type Obj } from "./patch.ts";

/** Watch event types. */
export type EventType = "ADDED" | "MODIFIED" | "DELETED";

/** One change, kept for watches. */
export interface StoreEvent {
  rv: number;
  type: EventType;
  skey: string;
  obj: Obj;
  prev?: Obj;
}

/** Metadata fields the store reads. */
export interface Meta {
  name: string;
  namespace?: string;
  resourceVersion?: string;
  uid?: string;
  [k: string]: unknown;
}

/** The metadata of an object. */
export function metaOf(o: Obj): Meta {
  return o.metadata as Meta;
}

function objKey(o: Obj): string {
  const m = metaOf(o);
  return `${m.namespace ?? ""}/${m.name}`;
}

/** Options of {@linkcode Store}. */
export interface StoreOptions {
  /** How many events watches can replay. Default 1000. */
  window?: number;
  /** Snapshot file; written after changes and on flush. */
  file?: string;
}

interface Snapshot {
  rv: number;
  objects: Record<string, Obj[]>;
}

/** An in-memory store with change events. */
export class Store {
  rv = 1;
  #objects = new Map<string, Map<string, Obj>>();
  #events: StoreEvent[] = [];
  #listeners = new Set<(e: StoreEvent) => void>();
  #window: number;
  #file?: string;
  #dirty = false;
  #timer?: ReturnType<typeof setTimeout>;
  #writing: Promise<void> = Promise.resolve();

  /** Creates an empty store. */
  constructor(opts: StoreOptions = {}) {
    this.#window = opts.window ?? 1000;
    this.#file = opts.file;
  }

  /** Loads the snapshot file if it exists; returns whether it did. */
  async load(): Promise<boolean> {
    if (!this.#file) return false;
    let text: string;
    try {
      text = await Deno.readTextFile(this.#file);
    } catch {
      return false;
    }
    const snap = JSON.parse(text) as Snapshot;
    this.rv = snap.rv;
    for (const [skey, objs] of Object.entries(snap.objects)) {
      const m = new Map<string, Obj>();
      for (const o of objs) m.set(objKey(o), o);
      this.#objects.set(skey, m);
    }
    return true;
  }

  /** A copy of one object, or undefined. */
  get(skey: string, ns: string | undefined, name: string): Obj | undefined {
    return clone(this.#objects.get(skey)?.get(`${ns ?? ""}/${name}`));
  }

  /** Copies of the objects of a storage key (one namespace or all, matching `keep`), sorted. */
  list(skey: string, ns?: string, keep?: (o: Obj) => boolean): Obj[] {
    const m = this.#objects.get(skey);
    if (!m) return [];
    const keys = [...m.keys()].filter((k) => ns === undefined || k.startsWith(`${ns}/`)).sort();
    const objs = keys.map((k) => m.get(k)!);
    return (keep ? objs.filter(keep) : objs).map(clone);
  }

  /** The stored objects of a key, not copied: for read-only hot paths (authorization). */
  peek(skey: string, ns?: string, keep?: (o: Obj) => boolean): readonly Readonly<Obj>[] {
    const m = this.#objects.get(skey);
    if (!m) return [];
    const objs = [...m.entries()].filter(([k]) => ns === undefined || k.startsWith(`${ns}/`))
      .sort(([a], [b]) => a < b ? -1 : a > b ? 1 : 0).map(([, o]) => o);
    return keep ? objs.filter(keep) : objs;
  }

  /** Copies of the objects (of every storage key) that match, without copying the rest. */
  find(match: (o: Obj) => boolean): { skey: string; obj: Obj }[] {
    const out: { skey: string; obj: Obj }[] = [];
    for (const [skey, m] of this.#objects) {
      for (const o of m.values()) if (match(o)) out.push({ skey, obj: clone(o) });
    }
    return out;
  }

  /** Every storage key that holds objects. */
  keys(): string[] {
    return [...this.#objects.keys()];
  }

  /** Stores an object with a new resourceVersion and emits ADDED or MODIFIED. */
  put(skey: string, obj: Obj): Obj {
    const m = this.#objects.get(skey) ?? new Map<string, Obj>();
    this.#objects.set(skey, m);
    const prev = m.get(objKey(obj));
    const stored = clone(obj);
    metaOf(stored).resourceVersion = String(++this.rv);
    m.set(objKey(stored), stored);
    this.#emit({ rv: this.rv, type: prev ? "MODIFIED" : "ADDED", skey, obj: stored, prev });
    return clone(stored);
  }

  /** Removes an object and emits DELETED (with a new resourceVersion). */
  remove(skey: string, obj: Obj): Obj | undefined {
    const m = this.#objects.get(skey);
    const prev = m?.get(objKey(obj));
    if (!m || !prev) return undefined;
    m.delete(objKey(obj));
    const gone = clone(prev);
    metaOf(gone).resourceVersion = String(++this.rv);
    this.#emit({ rv: this.rv, type: "DELETED", skey, obj: gone, prev });
    return clone(gone);
  }

  /** The oldest resourceVersion a watch may start from. */
  oldestRv(): number {
    return this.#events.length ? this.#events[0].rv - 1 : this.rv;
  }

  /** Events after `rv` (undefined when `rv` is older than the window). */
  since(rv: number): StoreEvent[] | undefined {
    if (rv < this.oldestRv()) return undefined;
    return this.#events.filter((e) => e.rv > rv);
  }

  /** Subscribes to changes; returns the unsubscribe function. */
  subscribe(fn: (e: StoreEvent) => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #emit(e: StoreEvent): void {
    this.#events.push(e);
    if (this.#events.length > this.#window) this.#events.shift();
    for (const fn of [...this.#listeners]) fn(e);
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#file) return;
    this.#dirty = true;
    if (this.#timer === undefined) this.#timer = setTimeout(() => this.flush(), 50);
  }

  /** Writes the snapshot now if anything changed, and cancels the pending write. */
  flush(): Promise<void> {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#writing = this.#writing.then(() => this.#write());
    return this.#writing;
  }

  async #write(): Promise<void> {
    if (!this.#file || !this.#dirty) return;
    this.#dirty = false;
    const objects: Record<string, Obj[]> = {};
    for (const [k, m] of this.#objects) objects[k] = [...m.values()];
    const tmp = `${this.#file}.tmp`;
    await Deno.writeTextFile(tmp, JSON.stringify({ rv: this.rv, objects } satisfies Snapshot));
    await Deno.rename(tmp, this.#file);
  }
}
