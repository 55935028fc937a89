/** The table of open client sessions with idle tracking and admission (plain data). */

/** What the table needs from a session. */
export interface TableEntry {
  /** Last time (ms since epoch) the client used the session. */
  lastActive: number;
  /** Whether the client sent a request or opened a stream after initialize. */
  used: boolean;
  /** Who opened it (see `clientKey`): per-client limits count by this. */
  readonly client: string;
  /** Whether the session has a live stream or request (never expired or evicted then). */
  busy(): boolean;
}

/** Limits on open sessions. */
export interface SessionLimits {
  /** Most open sessions in all. */
  max: number;
  /** Most open sessions of one client. */
  perClient: number;
}

/** What admitting a new session takes: sessions to end first, or a refusal. */
export type Admission =
  | { ok: true; evict: string[] }
  | { ok: false; status: 429 | 503; message: string };

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

  /**
   * Ids of sessions not busy and idle longer than `idleMs` at `now`, or than `unusedMs` when
   * the client never used the session after initialize.
   */
  expired(now: number, idleMs: number, unusedMs = idleMs): string[] {
    const out: string[] = [];
    for (const [id, e] of this.#map) {
      if (!e.busy() && now - e.lastActive > (e.used ? idleMs : unusedMs)) out.push(id);
    }
    return out;
  }

  /**
   * Room for one more session of `client`: at its own cap, its oldest idle session goes (429
   * when all of its sessions are busy); when the table is full, the oldest idle session of
   * anyone goes (503 when every session is busy). One client cannot lock the others out.
   */
  admit(client: string, limits: SessionLimits): Admission {
    let own = 0;
    let ownIdle: [string, T] | undefined, anyIdle: [string, T] | undefined;
    for (const entry of this.#map) {
      const [, e] = entry;
      const idle = !e.busy();
      if (e.client === client) {
        own++;
        if (idle && (!ownIdle || e.lastActive < ownIdle[1].lastActive)) ownIdle = entry;
      }
      if (idle && (!anyIdle || e.lastActive < anyIdle[1].lastActive)) anyIdle = entry;
    }
    if (own >= limits.perClient) {
      if (ownIdle) return { ok: true, evict: [ownIdle[0]] };
      const message = `Cannot create session: this client has ${own} busy sessions`;
      return { ok: false, status: 429, message };
    }
    if (this.#map.size < limits.max) return { ok: true, evict: [] };
    if (anyIdle) return { ok: true, evict: [anyIdle[0]] };
    return { ok: false, status: 503, message: "Cannot create session: too many sessions" };
  }
}
