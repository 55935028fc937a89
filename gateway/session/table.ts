/** The table of open client sessions with idle tracking (plain data). */

/** What the table needs from a session. */
export interface TableEntry {
  /** Last time (ms since epoch) the client used the session. */
  lastActive: number;
  /** Whether the session has a live stream or request (never expired then). */
  busy(): boolean;
}

/** Open sessions by id. */
export class SessionTable<T extends TableEntry> {
  #map = new Map<string, T>();

  /** Number of open sessions. */
  get size(): number {
    return this.#map.size;
  }

  /** Adds a session. */
  set(id: string, entry: T): void {
    this.#map.set(id, entry);
  }

  /** Finds a session. */
  get(id: string | null): T | undefined {
    return id === null ? undefined : this.#map.get(id);
  }

  /** Removes a session; returns whether it was there. */
  delete(id: string): boolean {
    return this.#map.delete(id);
  }

  /** All sessions. */
  values(): IterableIterator<T> {
    return this.#map.values();
  }

  /** Ids of sessions idle longer than `idleMs` at `now` and not busy. */
  expired(now: number, idleMs: number): string[] {
    const out: string[] = [];
    for (const [id, e] of this.#map) if (now - e.lastActive > idleMs && !e.busy()) out.push(id);
    return out;
  }
}
