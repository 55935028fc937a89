/**
 * Lease leader election (coordination.k8s.io/v1), like client-go's: GET, POST when absent,
 * PUT with resourceVersion to acquire or renew (409 = someone else won), expiry judged by the
 * local time the record was last seen changing (no clock-skew trust), release on stop.
 */

import type { Logger } from "../lib/log.ts";
import {
  isAlreadyExists,
  isConflict,
  isNotFound,
  type KubeClient,
  resourcePath,
  RESOURCES,
  sleep,
} from "../lib/kube/mod.ts";

/** Options of {@linkcode LeaderElector}. */
export interface LeaderOptions {
  client: KubeClient;
  namespace: string;
  name: string;
  identity: string;
  log: Logger;
  /** Seconds a lease is valid without renewal. Default 15. */
  leaseDurationSeconds?: number;
  /** A leader that cannot renew for this long steps down. Default 10 000 ms. */
  renewDeadlineMs?: number;
  /** Period between attempts. Default 2000 ms. */
  retryPeriodMs?: number;
  onStartedLeading: () => void | Promise<void>;
  onStoppedLeading: () => void | Promise<void>;
}

interface LeaseSpec {
  holderIdentity?: string;
  leaseDurationSeconds?: number;
  acquireTime?: string;
  renewTime?: string;
  leaseTransitions?: number;
}

interface Lease {
  apiVersion: "coordination.k8s.io/v1";
  kind: "Lease";
  metadata: { name: string; namespace: string; resourceVersion?: string };
  spec: LeaseSpec;
}

/**
 * A MicroTime string with exactly 6 fractional digits, as client-node's V1MicroTime writes it
 * (a plain Date's 3 digits get a 400); not imported from client-node for its ~80 MB cost.
 */
export function microTime(d: Date): string {
  return d.toISOString().slice(0, -1) + "000Z";
}

/** Runs leader election until stopped. */
export class LeaderElector {
  #leading = false;
  #abort = new AbortController();
  #loop?: Promise<void>;
  #observed = "";
  #observedAt = 0;
  #lastRenew = 0;

  /** Creates an elector; call start(). */
  constructor(readonly opts: LeaderOptions) {}

  /** Whether this replica holds the lease. */
  get isLeader(): boolean {
    return this.#leading;
  }

  /** Starts campaigning. */
  start(): void {
    this.#loop ??= this.#run();
  }

  /** Stops; a leader releases the lease so another replica takes over at once. */
  async stop(): Promise<void> {
    this.#abort.abort();
    await this.#loop;
    if (this.#leading) {
      await this.#release().catch((e) =>
        this.opts.log.warn("Cannot release lease", { error: String(e) })
      );
      await this.#setLeading(false);
    }
  }

  get #path(): string {
    return resourcePath(RESOURCES.leases, this.opts.namespace, this.opts.name);
  }

  async #run(): Promise<void> {
    const period = this.opts.retryPeriodMs ?? 2000;
    while (!this.#abort.signal.aborted) {
      let ok = false;
      try {
        ok = await this.tryAcquireOrRenew();
      } catch (err) {
        this.opts.log.debug("lease attempt failed", { error: String(err) });
      }
      const now = Date.now();
      if (ok) this.#lastRenew = now;
      if (ok && !this.#leading) await this.#setLeading(true);
      const deadline = this.opts.renewDeadlineMs ?? 10_000;
      if (!ok && this.#leading && now - this.#lastRenew > deadline) await this.#setLeading(false);
      await sleep(period, this.#abort.signal);
    }
  }

  async #setLeading(v: boolean): Promise<void> {
    if (this.#leading === v) return;
    this.#leading = v;
    this.opts.log.info(v ? "became leader" : "stopped leading", { identity: this.opts.identity });
    await (v ? this.opts.onStartedLeading() : this.opts.onStoppedLeading());
  }

  /** One attempt; true when this replica holds the lease afterwards. */
  async tryAcquireOrRenew(): Promise<boolean> {
    const { client, identity } = this.opts;
    const duration = this.opts.leaseDurationSeconds ?? 15;
    const now = new Date();
    const lease = await client.request<Lease>("GET", this.#path).catch((e) => {
      if (isNotFound(e)) return undefined;
      throw e;
    });
    if (!lease) {
      const spec = {
        holderIdentity: identity,
        leaseDurationSeconds: duration,
        acquireTime: microTime(now),
        renewTime: microTime(now),
        leaseTransitions: 0,
      };
      const body: Lease = {
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        metadata: { name: this.opts.name, namespace: this.opts.namespace },
        spec,
      };
      return await this.#write("POST", resourcePath(RESOURCES.leases, this.opts.namespace), body);
    }
    const spec = lease.spec ?? {};
    const record = `${spec.holderIdentity}|${spec.renewTime}`;
    if (record !== this.#observed) {
      this.#observed = record;
      this.#observedAt = now.getTime();
    }
    const holder = spec.holderIdentity ?? "";
    const validFor = (spec.leaseDurationSeconds ?? duration) * 1000;
    if (holder && holder !== identity && this.#observedAt + validFor > now.getTime()) return false;
    const mine = holder === identity;
    const next: Lease = {
      ...lease,
      spec: {
        holderIdentity: identity,
        leaseDurationSeconds: duration,
        acquireTime: mine && spec.acquireTime ? spec.acquireTime : microTime(now),
        renewTime: microTime(now),
        leaseTransitions: (spec.leaseTransitions ?? 0) + (mine ? 0 : 1),
      },
    };
    return await this.#write("PUT", this.#path, next);
  }

  async #write(method: string, path: string, body: Lease): Promise<boolean> {
    try {
      const saved = await this.opts.client.request<Lease>(method, path, { body });
      this.#observed = `${saved.spec.holderIdentity}|${saved.spec.renewTime}`;
      this.#observedAt = Date.now();
      return true;
    } catch (e) {
      if (isConflict(e) || isAlreadyExists(e)) return false;
      throw e;
    }
  }

  async #release(): Promise<void> {
    const lease = await this.opts.client.request<Lease>("GET", this.#path);
    if (lease.spec?.holderIdentity !== this.opts.identity) return;
    const now = microTime(new Date());
    await this.opts.client.request("PUT", this.#path, {
      body: {
        ...lease,
        spec: { ...lease.spec, holderIdentity: "", leaseDurationSeconds: 1, renewTime: now },
      },
    });
  }
}
