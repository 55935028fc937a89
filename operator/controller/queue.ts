/**
 * A rate-limited work queue of keys, like client-go's: a key is queued at most once, a key
 * being processed is not handed to a second worker (it is re-queued when done if it was added
 * meanwhile), delayed adds keep the earliest deadline, and failures back off exponentially.
 */

/** Options of {@linkcode WorkQueue}. */
export interface QueueOptions {
  /** First retry delay in ms. Default 200. */
  baseDelayMs?: number;
  /** Longest retry delay in ms. Default 60 000. */
  maxDelayMs?: number;
}

/** A work queue of string keys. */
export class WorkQueue {
  #queue: string[] = [];
  #queued = new Set<string>();
  #processing = new Set<string>();
  #dirty = new Set<string>();
  #timers = new Map<string, { at: number; id: ReturnType<typeof setTimeout> }>();
  #failures = new Map<string, number>();
  #waiters: ((key: string | undefined) => void)[] = [];
  #shutdown = false;

  /** Creates an empty queue. */
  constructor(readonly opts: QueueOptions = {}) {}

  /** Number of keys waiting (not counting delayed ones). */
  get length(): number {
    return this.#queue.length;
  }

  /** Queues a key now. */
  add(key: string): void {
    if (this.#shutdown) return;
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#processing.add(key);
      waiter(key);
      return;
    }
    this.#queued.add(key);
    this.#queue.push(key);
  }

  /** Queues a key after `ms`, keeping the earliest pending deadline. */
  addAfter(key: string, ms: number): void {
    if (this.#shutdown) return;
    if (ms <= 0) return this.add(key);
    const at = Date.now() + ms;
    const old = this.#timers.get(key);
    if (old && old.at <= at) return;
    if (old) clearTimeout(old.id);
    const id = setTimeout(() => {
      this.#timers.delete(key);
      this.add(key);
    }, ms);
    this.#timers.set(key, { at, id });
  }

  /** Queues a key after its next backoff delay; returns that delay. */
  addRateLimited(key: string): number {
    const n = this.#failures.get(key) ?? 0;
    this.#failures.set(key, n + 1);
    const base = this.opts.baseDelayMs ?? 200;
    const delay = Math.min(base * 2 ** n, this.opts.maxDelayMs ?? 60_000);
    this.addAfter(key, delay);
    return delay;
  }

  /** Forgets a key's failures (after a success). */
  forget(key: string): void {
    this.#failures.delete(key);
  }

  /** Waits for the next key; undefined after shutdown. Call done(key) when finished. */
  get(): Promise<string | undefined> {
    if (this.#shutdown) return Promise.resolve(undefined);
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#queued.delete(key);
      this.#processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Marks a key processed; re-queues it if it was added meanwhile. */
  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.delete(key)) this.add(key);
  }

  /** Stops the queue: waiters get undefined, timers are cleared. */
  shutDown(): void {
    this.#shutdown = true;
    for (const t of this.#timers.values()) clearTimeout(t.id);
    this.#timers.clear();
    for (const w of this.#waiters.splice(0)) w(undefined);
  }
}
