/** Hands out hubs to new sessions: one shared hub, or a fresh hub (and process) per session. */
import type { Logger } from "../../lib/log.ts";
import type { ToolPolicy } from "../../lib/tool_policy/mod.ts";
import type { Upstream } from "../upstream/types.ts";
import { Hub, type HubOptions } from "./hub.ts";

/** Options of {@linkcode HubPool}. */
export interface HubPoolOptions {
  /** One upstream per session instead of one shared upstream. */
  perSession: boolean;
  /** Builds an upstream; `restart` says whether it should restart itself after dying. */
  makeUpstream: (restart: boolean) => Upstream;
  log: Logger;
  onRestart: () => void;
  onBytes: (n: number) => void;
  /** Per-tool policy every hub applies. */
  policy: ToolPolicy | null;
  /** Per-request upstream timeout in ms. */
  requestTimeoutMs: number;
  now: () => number;
  /** Every hub reports its `tools/call` answers here. */
  onToolCall?: (tool: unknown, seconds: number, error: boolean) => void;
  /** Tracing of client requests (null: off) and how the upstream is reached. */
  trace?: Pick<HubOptions, "tracing" | "upstreamTransport">;
}

/** The shared hub or the per-session hubs of one gateway. */
export class HubPool {
  /** The shared hub; null in per-session mode. */
  readonly shared: Hub | null;
  #opts: HubPoolOptions;
  #own = new Set<Hub>();

  constructor(opts: HubPoolOptions) {
    this.#opts = opts;
    this.shared = opts.perSession ? null : this.#newHub(true);
    this.shared?.start();
  }

  #newHub(restart: boolean): Hub {
    const { makeUpstream, perSession: _p, trace, ...opts } = this.#opts;
    return new Hub({ ...opts, ...trace, upstream: makeUpstream(restart) });
  }

  /** A ready hub for a new session, or null when none got ready in time. */
  async acquire(): Promise<Hub | null> {
    if (this.shared) return await this.shared.whenReady(10_000) ? this.shared : null;
    const hub = this.#newHub(false);
    this.#own.add(hub);
    hub.start();
    if (await hub.whenReady(30_000)) return hub;
    this.release(hub);
    return null;
  }

  /** Gives a hub back: a per-session hub is closed (its process ends). */
  release(hub: Hub): void {
    if (hub === this.shared || !this.#own.delete(hub)) return;
    hub.close().catch(() => {});
  }

  /** Requests in flight upstream, over every hub. */
  pendingRequests(): number {
    let n = this.shared?.pendingRequests ?? 0;
    for (const hub of this.#own) n += hub.pendingRequests;
    return n;
  }

  /** Closes every hub. */
  async close(): Promise<void> {
    const all = [...this.#own];
    this.#own.clear();
    await Promise.all([this.shared?.close(), ...all.map((h) => h.close())]);
  }
}
