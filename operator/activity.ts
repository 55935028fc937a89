/**
 * Polls the gateway `/activity` of running pods with bounded concurrency and timeouts, with
 * each server's own gateway token.
 */

import type { MCPServer } from "../lib/api/mod.ts";
import type { Logger } from "../lib/log.ts";
import { gatewayUrl } from "./api/ready.ts";
import type { Cache } from "./controller/cache.ts";
import { type Activity, parseActivity } from "./reconcile/activity.ts";
import { sleep } from "../lib/kube/mod.ts";

/** One pod to poll. */
export interface ActivityTarget {
  /** The server key (namespace/name). */
  key: string;
  /** Base URL of the gateway, e.g. `http://10.0.0.5:8080` or `http://[fd00::5]:8080`. */
  url: string;
  /** The gateway's bearer token. */
  token?: string;
}

/** The gateways of Ready servers in the cache, each with its token. */
export async function activityTargets(
  cache: Cache,
  serverToken: (server: MCPServer) => Promise<string>,
): Promise<ActivityTarget[]> {
  const out: ActivityTarget[] = [];
  for (const [key, s] of cache.servers.store) {
    if (s.status?.phase !== "Ready" || !s.status.podName) continue;
    const ip = cache.pods.store.get(`${s.metadata.namespace}/${s.status.podName}`)?.status?.podIP;
    if (ip) out.push({ key, url: gatewayUrl(ip), token: await serverToken(s) });
  }
  return out;
}

/** Options of {@linkcode ActivityPoller}. */
export interface ActivityPollerOptions {
  /** The pods to poll now. */
  targets: () => ActivityTarget[] | Promise<ActivityTarget[]>;
  /** Called when a server's activity changed. */
  onChange: (key: string) => void;
  log: Logger;
  /** Poll period. Default 3000 ms. */
  intervalMs?: number;
  /** Parallel requests. Default 8. */
  concurrency?: number;
  /** Per-request timeout. Default 2000 ms. */
  timeoutMs?: number;
}

const same = (a: Activity | undefined, b: Activity) =>
  a !== undefined && a.openSessions === b.openSessions &&
  a.currentConnections === b.currentConnections &&
  a.totalRequests === b.totalRequests && a.lastRequestAt === b.lastRequestAt &&
  JSON.stringify(a.serverInfo) === JSON.stringify(b.serverInfo);

/** Keeps the latest activity of every running server. */
export class ActivityPoller {
  /** Latest activity by server key. */
  readonly latest = new Map<string, Activity>();
  #abort = new AbortController();
  #loop?: Promise<void>;

  /** Creates a poller; call start(). */
  constructor(readonly opts: ActivityPollerOptions) {}

  /** Starts polling. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops polling and waits for the loop. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
  }

  /** Polls every target once (exposed for tests). */
  async pollOnce(): Promise<void> {
    const targets = await this.opts.targets();
    const live = new Set(targets.map((t) => t.key));
    for (const k of this.latest.keys()) if (!live.has(k)) this.latest.delete(k);
    let i = 0;
    const worker = async () => {
      while (i < targets.length && !this.#abort.signal.aborted) await this.#poll(targets[i++]);
    };
    const n = Math.min(this.opts.concurrency ?? 8, targets.length);
    await Promise.all(Array.from({ length: n }, worker));
  }

  async #poll(t: ActivityTarget): Promise<void> {
    const signal = AbortSignal.any([
      this.#abort.signal,
      AbortSignal.timeout(this.opts.timeoutMs ?? 2000),
    ]);
    try {
      const headers: Record<string, string> = t.token ? { authorization: `Bearer ${t.token}` } : {};
      const res = await fetch(`${t.url}/activity`, { signal, headers });
      if (!res.ok) {
        await res.body?.cancel();
        return;
      }
      const a = parseActivity(await res.json());
      const changed = !same(this.latest.get(t.key), a);
      this.latest.set(t.key, a);
      if (changed) this.opts.onChange(t.key);
    } catch (err) {
      if (!this.#abort.signal.aborted) {
        this.opts.log.debug("Cannot read activity", { key: t.key, error: String(err) });
      }
    }
  }

  async #run(): Promise<void> {
    while (!this.#abort.signal.aborted) {
      await this.pollOnce();
      await sleep(this.opts.intervalMs ?? 3000, this.#abort.signal);
    }
  }
}
