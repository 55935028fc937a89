/**
 * A pod's projected ServiceAccount token, as a kubelet keeps it: requested through the
 * TokenRequest API (bound to the pod), written into the pod's serviceaccount dir, and
 * requested again at 80% of its life while the pod runs.
 *
 * @module
 */

/** A token as `status` of a TokenRequest carries it. */
export interface IssuedToken {
  token: string;
  expirationTimestamp: string;
}

/** Options of {@linkcode ProjectedToken}. */
export interface ProjectedTokenOptions {
  /** Asks the API server for a new token. */
  request: () => Promise<IssuedToken>;
  /** Puts the token where the pod reads it. */
  write: (token: string) => Promise<void>;
  /** Reports a failed refresh (the old token stays until it is replaced). */
  onError?: (e: unknown) => void;
  /** Wait before retrying a failed refresh. Default 10000 ms. */
  retryMs?: number;
}

/** Longest timer delay (setTimeout's limit, ~24.8 days). */
const MAX_DELAY_MS = 2 ** 31 - 1;

/** When to refresh a token got at `issuedMs` that expires at `expiresMs`: at 80% of its life. */
export function refreshAtMs(issuedMs: number, expiresMs: number): number {
  return issuedMs + Math.max(0, expiresMs - issuedMs) * 0.8;
}

/** Requests, writes and refreshes one pod's token. */
export class ProjectedToken {
  #opts: ProjectedTokenOptions;
  #timer?: ReturnType<typeof setTimeout>;
  #stopped = false;
  #inflight?: Promise<void>;

  constructor(opts: ProjectedTokenOptions) {
    this.#opts = opts;
  }

  /** Gets and writes the first token (throws when that fails), then keeps it fresh. */
  async start(): Promise<void> {
    await this.#renew();
  }

  async #renew(): Promise<void> {
    const issued = Date.now();
    const t = await this.#opts.request();
    if (this.#stopped) return;
    await this.#opts.write(t.token);
    const at = refreshAtMs(issued, Date.parse(t.expirationTimestamp));
    this.#schedule(at - Date.now());
  }

  #schedule(ms: number): void {
    if (this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#inflight = this.#renew().catch((e) => {
        this.#opts.onError?.(e);
        this.#schedule(this.#opts.retryMs ?? 10_000);
      });
    }, Math.min(MAX_DELAY_MS, Math.max(0, ms)));
  }

  /** Stops refreshing (waits for a refresh under way). */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#inflight;
  }
}
