/**
 * The declared objects currently served, reloaded from their file: a ConfigMap update is an
 * atomic swap of the `..data` symlink, so any event in the file's directory triggers a re-read
 * (debounced), and a poll re-reads it too in case an event is missed.
 */
import type { Logger } from "../../lib/log.ts";
import { changedKinds, type Declared, EMPTY, type ListKind, parseDeclared } from "./file.ts";

/** Options of {@linkcode DeclaredCatalog.watch}. */
export interface WatchOptions {
  /** Quiet time after a file event before re-reading, in ms. Default 100. */
  debounceMs?: number;
  /** Re-read this often whatever the events say, in ms. Default 3000. */
  pollMs?: number;
}

/** The current declared objects and who wants to hear when they change. */
export class DeclaredCatalog {
  #current: Declared;
  #listeners = new Set<(kinds: ListKind[]) => void>();
  #log: Logger;
  #path: string | null = null;
  #text: string | null = null;
  #stop: (() => void) | null = null;
  /** Loads run one after another, so an older read never lands after a newer one. */
  #chain: Promise<void> = Promise.resolve();

  constructor(initial: Declared, log: Logger) {
    this.#current = initial;
    this.#log = log;
  }

  /** The objects served now. */
  get current(): Declared {
    return this.#current;
  }

  /** Replaces the objects; tells listeners which list kinds changed (if any). */
  set(next: Declared): ListKind[] {
    const kinds = changedKinds(this.#current, next);
    this.#current = next;
    if (kinds.length > 0) { for (const fn of [...this.#listeners]) fn(kinds); }
    return kinds;
  }

  /** Calls `fn` with the changed kinds after each change; returns the unsubscribe function. */
  subscribe(fn: (kinds: ListKind[]) => void): () => void {
    this.#listeners.add(fn);
    return () => void this.#listeners.delete(fn);
  }

  /** Reads `path` now; a missing or bad file keeps what is served and logs one line. */
  async load(path: string): Promise<void> {
    this.#path = path;
    let text: string;
    try {
      text = await Deno.readTextFile(path);
    } catch (err) {
      const state = err instanceof Deno.errors.NotFound ? "no such file" : String(err);
      return this.#reject(`missing:${state}`, state);
    }
    if (text === this.#text) return;
    const parsed = parseDeclared(text);
    if (!parsed.ok) return this.#reject(text, parsed.error);
    this.#text = text;
    const kinds = this.set(parsed.value);
    const d = parsed.value;
    this.#log.info("Declared objects loaded", {
      path,
      changed: kinds,
      tools: d.tools.length,
      prompts: d.prompts.length,
      resources: d.resources.length + d.resourceTemplates.length,
    });
  }

  /** Logs a bad file once per distinct content, keeping the last good objects. */
  #reject(key: string, why: string): void {
    if (key === this.#text) return;
    this.#text = key;
    this.#log.error(`Cannot load declared file "${this.#path}": ${why}; keeping the last good one`);
  }

  /** Loads `path`, then reloads it on changes in its directory and every `pollMs`. */
  async watch(path: string, opts: WatchOptions = {}): Promise<void> {
    await this.load(path);
    const reload = () => void (this.#chain = this.#chain.then(() => this.load(path)));
    const dir = path.slice(0, Math.max(1, path.lastIndexOf("/")));
    let timer: ReturnType<typeof setTimeout> | undefined;
    const soon = () => {
      clearTimeout(timer);
      timer = setTimeout(reload, opts.debounceMs ?? 100);
    };
    const poll = setInterval(reload, opts.pollMs ?? 3000);
    Deno.unrefTimer(poll as unknown as number);
    let watcher: Deno.FsWatcher | null = null;
    try {
      watcher = Deno.watchFs(dir, { recursive: false });
      (async () => {
        for await (const _ of watcher!) soon();
      })().catch(() => {});
    } catch (err) {
      this.#log.warn("Cannot watch declared directory; polling only", { dir, error: String(err) });
    }
    this.#stop = () => {
      clearTimeout(timer);
      clearInterval(poll);
      watcher?.close();
    };
  }

  /** Stops watching. */
  close(): void {
    this.#stop?.();
    this.#stop = null;
  }
}

/** A catalog with nothing declared yet. */
export function emptyCatalog(log: Logger): DeclaredCatalog {
  return new DeclaredCatalog(EMPTY, log);
}
