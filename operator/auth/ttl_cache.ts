/**
 * A bounded cache whose entries expire: at most `maxEntries` (the least recently used go
 * first), each kept for its own time to live. The clock is passed in, so tests drive it.
 *
 * @module
 */

/** Options of {@linkcode TtlCache}. */
export interface TtlCacheOptions {
  /** Most entries kept. Default 4096. */
  maxEntries?: number;
  /** Milliseconds since some epoch. Default `Date.now`. */
  now?: () => number;
}

/** A bounded LRU map with per-entry expiry. */
export class TtlCache<K, V> {
  readonly #entries = new Map<K, { value: V; expires: number }>();
  readonly #max: number;
  readonly #now: () => number;

  /** Creates an empty cache. */
  constructor(opts: TtlCacheOptions = {}) {
    this.#max = Math.max(1, opts.maxEntries ?? 4096);
    this.#now = opts.now ?? Date.now;
  }

  /** Entries held now (expired ones included until touched or evicted). */
  get size(): number {
    return this.#entries.size;
  }

  /** The live value of `key`, or undefined (an expired entry is dropped). */
  get(key: K): V | undefined {
    const e = this.#entries.get(key);
    if (!e) return undefined;
    this.#entries.delete(key);
    if (e.expires <= this.#now()) return undefined;
    this.#entries.set(key, e); // most recently used last
    return e.value;
  }

  /** Stores `value` for `ttlMs` (0 or less stores nothing), evicting the oldest when full. */
  set(key: K, value: V, ttlMs: number): void {
    this.#entries.delete(key);
    if (ttlMs <= 0) return;
    this.#entries.set(key, { value, expires: this.#now() + ttlMs });
    while (this.#entries.size > this.#max) {
      this.#entries.delete(this.#entries.keys().next().value as K);
    }
  }
}

/** The lowercase hex SHA-256 of a string (cache keys that never hold a secret itself). */
export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}
