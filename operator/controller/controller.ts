/** The controller: informer events → keys → workers running observe → plan → apply. */

import type { MCPPool, MCPServer } from "../../lib/api/mod.ts";
import type { Logger } from "../../lib/log.ts";
import { deriveServerToken } from "../auth/server_token.ts";
import type { Entrypoint, NetworkPolicy } from "../build/types.ts";
import { canonicalJson, networkPolicyName, serviceName } from "../build/names.ts";
import { buildTokenSecret } from "../build/token_secret.ts";
import type { EventRecorder } from "../events.ts";
import { isAlreadyExists, isConflict, type KubeClient, RESOURCES } from "../../lib/kube/mod.ts";
import type { OperatorMetrics } from "../metrics.ts";
import { recordPlan } from "../plan_metrics.ts";
import type { Activity } from "../reconcile/activity.ts";
import { memberOf } from "../reconcile/member.ts";
import { isWanted } from "../reconcile/request.ts";
import { planPool } from "../reconcile/pool.ts";
import {
  type ObservedServer,
  planServer,
  type ServerPlan,
  type ServerSettings,
} from "../reconcile/server.ts";
import { REASONS } from "../reconcile/reasons.ts";
import { isTerminal, nextRejection, type Rejection } from "../reconcile/rejection.ts";
import {
  applyObject,
  createPod,
  createService,
  deletePod,
  patchStatus,
  statusPatch,
} from "./apply.ts";
import { type Cache, NETWORK_POLICIES, poolKeyOf, serverKeyOfPod } from "./cache.ts";
import { WorkQueue } from "./queue.ts";
import { applyDeclared, reconcileDeclared } from "./declared.ts";
import { withPackageRuntime } from "../build/package_runtime.ts";

/** Resolves a stdio server's entrypoint from its image (registry lookup). */
export type EntrypointResolver = (server: MCPServer) => Promise<Entrypoint | { error: string }>;

/** What the controller is built from. */
export interface ControllerDeps {
  client: KubeClient;
  cache: Cache;
  events: EventRecorder;
  metrics?: OperatorMetrics;
  log: Logger;
  settings: ServerSettings;
  resolveEntrypoint: EntrypointResolver;
  /** The operator's gateway-token key: each server's token Secret holds its derived token. */
  tokenKey: CryptoKey;
  /** Latest gateway activity by server key. */
  activity: Map<string, Activity>;
  now?: () => Date;
  /** Parallel reconciles. Default 4. */
  workers?: number;
}

const SERVER = "server/";

/** A write the API server refused for good (400, 403, 422); `message` says which and why. */
class RefusedWrite extends Error {}

/** Runs a write; an answer retrying cannot change becomes a RefusedWrite "Cannot <what>: …". */
async function refusable<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (err) {
    if (isTerminal(err)) throw new RefusedWrite(`Cannot ${what}: ${err.message}`);
    throw err;
  }
}
const POOL = "pool/";
/** Keys of namespaces whose declared objects' status is due (`declared/<ns>`). */
const DECLARED = "declared/";

/** Runs reconciles for every MCPServer and MCPPool in the cache. */
export class Controller {
  readonly queue = new WorkQueue();
  #running: Promise<void>[] = [];
  #seq = 0;
  /** Refused writes by server key (in memory: a new leader simply tries once more). */
  #rejections = new Map<string, Rejection>();

  /** Wires informer events to the queue (nothing runs before start()). */
  constructor(readonly deps: ControllerDeps) {
    const c = deps.cache;
    c.servers.on((e) => {
      this.enqueueServer(`${e.object.metadata.namespace}/${e.object.metadata.name}`);
      this.queue.add(POOL + poolKeyOf(e.object));
      if (e.old && poolKeyOf(e.old) !== poolKeyOf(e.object)) {
        this.queue.add(POOL + poolKeyOf(e.old));
      }
    });
    c.pools.on((e) => {
      const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      this.queue.add(POOL + key);
      if (e.old?.metadata.generation !== e.object.metadata.generation) {
        for (const s of c.serversIn(key)) {
          this.enqueueServer(`${key.split("/")[0]}/${s.metadata.name}`);
        }
      }
    });
    c.pods.on((e) => {
      const key = serverKeyOfPod(e.object);
      if (!key) return;
      this.enqueueServer(key);
      const server = c.servers.store.get(key);
      if (server) this.queue.add(POOL + poolKeyOf(server));
    });
    c.services.on((e) => {
      if (e.type !== "DELETED") return;
      const key = serverKeyOfPod(e.object as never);
      if (key) this.enqueueServer(key);
    });
    // A policy deleted or edited by someone else is put back.
    c.networkPolicies?.on((e) => {
      const key = serverKeyOfPod(e.object as never);
      if (key) this.enqueueServer(key);
    });
    this.#watchDeclared();
  }

  /** Declared objects re-render their namespace's declaring servers and their own status. */
  #watchDeclared(): void {
    const c = this.deps.cache;
    const changed = (ns: string | undefined) => {
      if (!ns) return;
      for (const s of c.declaringServersIn(ns)) this.enqueueServer(`${ns}/${s.metadata.name}`);
      this.queue.add(DECLARED + ns);
    };
    for (const i of [c.tools, c.prompts, c.resources]) {
      i.on((e: { object: { metadata: { namespace?: string } } }) =>
        changed(e.object.metadata.namespace)
      );
    }
    const statusDue = (e: { object: { metadata: { namespace?: string } } }) =>
      this.queue.add(DECLARED + e.object.metadata.namespace);
    c.servers.on(statusDue);
    c.allServices.on(statusDue);
    c.configMaps.on((e) => {
      const key = serverKeyOfPod(e.object as never);
      if (key) this.enqueueServer(key);
    });
  }

  /** Queues a server key (namespace/name). */
  enqueueServer(key: string): void {
    this.queue.add(SERVER + key);
  }

  /** A server's gateway activity changed: the server and its pool may decide differently. */
  activityChanged(key: string): void {
    this.enqueueServer(key);
    const server = this.deps.cache.servers.store.get(key);
    if (server) this.queue.add(POOL + poolKeyOf(server));
  }

  /** Starts the workers (the cache must be started by the caller). */
  start(): void {
    for (let i = 0; i < (this.deps.workers ?? 4); i++) this.#running.push(this.#worker());
    for (const key of this.deps.cache.servers.store.keys()) this.enqueueServer(key);
    for (const key of this.deps.cache.pools.store.keys()) this.queue.add(POOL + key);
    for (const s of this.deps.cache.servers.store.values()) {
      this.queue.add(DECLARED + s.metadata.namespace);
    }
  }

  /** Stops the workers after their current reconcile. */
  async stop(): Promise<void> {
    this.queue.shutDown();
    await Promise.all(this.#running);
  }

  async #worker(): Promise<void> {
    while (true) {
      const key = await this.queue.get();
      if (key === undefined) return;
      await this.#process(key);
      this.queue.done(key);
    }
  }

  async #process(key: string): Promise<void> {
    const kind = key.startsWith(POOL) ? "pool" : key.startsWith(DECLARED) ? "declared" : "server";
    const id = (++this.#seq).toString(36);
    const log = this.deps.log.with({ reconcile: id, kind, key: key.slice(kind.length + 1) });
    const t0 = performance.now();
    this.deps.metrics?.reconciles.inc({ kind });
    try {
      const after = kind === "pool"
        ? await this.reconcilePool(key.slice(POOL.length))
        : kind === "declared"
        ? await reconcileDeclared(this.deps, key.slice(DECLARED.length), this.#now().toISOString())
        : await this.reconcileServer(key.slice(SERVER.length), log);
      this.queue.forget(key);
      if (after !== undefined) this.queue.addAfter(key, after);
    } catch (err) {
      const delay = this.queue.addRateLimited(key);
      if (isConflict(err) || isAlreadyExists(err)) {
        log.debug("conflict; requeued", { delayMs: delay });
      } else {
        this.deps.metrics?.reconcileErrors.inc({ kind });
        log.warn("reconcile failed; retrying", { error: String(err), delayMs: delay });
      }
    } finally {
      this.deps.metrics?.reconcileDuration.observe({ kind }, (performance.now() - t0) / 1000);
    }
  }

  #now(): Date {
    return (this.deps.now ?? (() => new Date()))();
  }

  #observe(server: MCPServer): ObservedServer {
    const c = this.deps.cache;
    const ns = server.metadata.namespace!;
    const poolKey = poolKeyOf(server);
    const pool = c.pools.store.get(poolKey) ?? null;
    const pods = c.podsOf(server);
    const limited = pool?.spec.maxActive !== undefined || pool?.spec.maxIdle !== undefined;
    // Pool members matter only for a limited pool and a server that wants or holds a slot.
    const needMembers = limited && (isWanted(server) || pods.length > 0);
    const opts = {
      allowlist: this.deps.settings.imageAllowlist ?? [],
      oauth: this.deps.settings.oauth,
      runtimeImages: this.deps.settings.runtimeImages,
      now: this.#now().getTime(),
    };
    const poolMembers = !needMembers
      ? []
      : c.serversIn(poolKey).map((s) =>
        memberOf(s, c.podsOf(s), this.deps.activity.get(`${ns}/${s.metadata.name}`), opts)
      );
    return {
      pods,
      service: c.services.store.get(`${ns}/${serviceName(server.metadata.name!)}`) ?? null,
      networkPolicy:
        c.networkPolicies?.store.get(`${ns}/${networkPolicyName(server.metadata.name!)}`) ??
          null,
      pool,
      poolMembers,
      activity: this.deps.activity.get(`${ns}/${server.metadata.name}`) ?? null,
    };
  }

  /** Reconciles one MCPServer; returns a requeue delay in ms, if any. */
  async reconcileServer(key: string, log: Logger): Promise<number | undefined> {
    const d = this.deps;
    const server = d.cache.servers.store.get(key);
    if (!server || server.metadata.deletionTimestamp) {
      d.activity.delete(key);
      this.#rejections.delete(key);
      return undefined;
    }
    const observed = this.#observe(server);
    const now = this.#now();
    observed.rejection = this.#rejectionOf(key, server);
    let plan = planServer(server, observed, now, d.settings);
    if (plan.needsEntrypoint) {
      observed.entrypoint = await d.resolveEntrypoint(
        withPackageRuntime(server, d.settings.runtimeImages),
      );
      plan = planServer(server, observed, now, d.settings);
    }
    // The declared ConfigMap first: a new pod mounts it.
    await applyDeclared(d, server, plan.status, now.toISOString());
    const patch = statusPatch(server.status, plan.status);
    if (patch) {
      const updated = await patchStatus<MCPServer>(d.client, RESOURCES.servers, server, patch);
      d.cache.servers.upsert(updated);
      if (d.metrics) recordPlan(d.metrics, server, plan);
      log.debug("status written", { phase: plan.status.phase });
    }
    try {
      await this.#applyPlan(server, plan, observed);
    } catch (err) {
      if (!(err instanceof RefusedWrite)) throw err;
      return await this.#refused(key, server, err.message, now.getTime());
    }
    for (const ev of plan.events) await d.events.record(server, ev);
    if (observed.rejection && now.getTime() >= observed.rejection.retryAt) {
      // The retried writes went through: plan again without the rejection.
      this.#rejections.delete(key);
      return 0;
    }
    return plan.requeueAfter;
  }

  /** The server's rejection, if it still applies (same generation, still wanted). */
  #rejectionOf(key: string, server: MCPServer): Rejection | undefined {
    const rej = this.#rejections.get(key);
    if (rej && (rej.generation !== server.metadata.generation || !isWanted(server))) {
      this.#rejections.delete(key);
      return undefined;
    }
    return rej;
  }

  /** Records a refused write: the next backoff, a Warning Event; replans at once (status). */
  async #refused(key: string, server: MCPServer, message: string, now: number): Promise<number> {
    const rej = nextRejection(this.#rejections.get(key), server.metadata.generation, message, now);
    this.#rejections.set(key, rej);
    this.deps.log.warn("write refused; retrying later", {
      key,
      error: message,
      retryInMs: rej.retryAt - now,
    });
    await this.deps.events.record(server, { type: "Warning", reason: REASONS.rejected, message });
    return 0;
  }

  /** Writes what the plan wants: deletes, NetworkPolicy, token Secret, pod, Service. */
  async #applyPlan(server: MCPServer, plan: ServerPlan, observed: ObservedServer): Promise<void> {
    const d = this.deps;
    const ns = server.metadata.namespace!;
    for (const name of plan.deletePods) await deletePod(d.client, ns, name);
    const policy = plan.networkPolicy;
    if (policy) {
      await refusable(
        `apply NetworkPolicy "${policy.metadata.name}"`,
        () => this.#ensurePolicy(policy, observed.networkPolicy),
      );
    }
    const pod = plan.pod;
    if (pod && !observed.pods.some((p) => p.metadata.name === pod.metadata.name)) {
      // The gateway's token first: the pod mounts it (applied each start, so it heals).
      const token = await deriveServerToken(d.tokenKey, server.metadata.uid!);
      const secret = buildTokenSecret(server, token);
      await refusable(
        `apply Secret "${secret.metadata.name}"`,
        () => applyObject(d.client, RESOURCES.secrets, secret),
      );
      const created = await refusable(
        `create pod "${pod.metadata.name}"`,
        () => createPod(d.client, pod),
      );
      if (created) d.cache.pods.upsert(created);
    }
    const svc = plan.service;
    if (svc && !observed.service) {
      const created = await refusable(
        `create Service "${svc.metadata.name}"`,
        () => createService(d.client, svc),
      );
      if (created) d.cache.services.upsert(created);
    }
  }

  async #ensurePolicy(want: NetworkPolicy, have: NetworkPolicy | null | undefined): Promise<void> {
    if (have && canonicalJson(have.spec) === canonicalJson(want.spec)) return;
    const applied = await applyObject<NetworkPolicy>(this.deps.client, NETWORK_POLICIES, want);
    this.deps.cache.networkPolicies?.upsert(applied);
  }

  /** Reconciles one MCPPool key: writes its status and wakes admitted or evicted servers. */
  async reconcilePool(key: string): Promise<number | undefined> {
    const d = this.deps;
    const [ns] = key.split("/");
    // Without a pool object there are no limits: nothing to admit, evict or count.
    if (!d.cache.pools.store.has(key)) return undefined;
    const servers = d.cache.serversIn(key);
    const now = this.#now().getTime();
    const opts = {
      allowlist: d.settings.imageAllowlist ?? [],
      oauth: d.settings.oauth,
      runtimeImages: d.settings.runtimeImages,
      now,
    };
    const members = servers.map((s) =>
      memberOf(s, d.cache.podsOf(s), d.activity.get(`${ns}/${s.metadata.name}`), opts)
    );
    const pool: MCPPool = d.cache.pools.store.get(key) ?? {
      apiVersion: "nmcp.nwrx.io/v1",
      kind: "MCPPool",
      metadata: { name: key.split("/")[1], namespace: ns },
      spec: {},
    };
    const plan = planPool(pool, members, now);
    for (const name of plan.wake) this.enqueueServer(`${ns}/${name}`);
    if (!d.cache.pools.store.has(key)) return undefined;
    const patch = statusPatch(pool.status, plan.status);
    if (patch) {
      const updated = await patchStatus<MCPPool>(d.client, RESOURCES.pools, pool, patch);
      d.cache.pools.upsert(updated);
    }
    return plan.requeueAfter;
  }
}
