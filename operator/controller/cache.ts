/** The operator's informer caches and the indexes reconciles need (pods by server, pools). */

import {
  LABELS,
  MANAGED_BY,
  type MCPPool,
  type MCPPrompt,
  type MCPResource,
  type MCPServer,
  type MCPTool,
} from "../../lib/api/mod.ts";
import type { Logger } from "../../lib/log.ts";
import type { ConfigMap, NetworkPolicy, Pod, Service } from "../build/types.ts";
import {
  Informer,
  type KubeClient,
  type KubeObj,
  resourcePath,
  RESOURCES,
  stripMetadata,
} from "../../lib/kube/mod.ts";

/** Options of {@linkcode createCache}. */
export interface CacheOptions {
  /** Watch one namespace; default all. */
  namespace?: string;
  log: Logger;
  idleTimeoutMs?: number;
  /** Watch the NetworkPolicies nmcp manages. Default true. */
  networkPolicies?: boolean;
}

/** The NetworkPolicy resource (not among the kube client's RESOURCES). */
export const NETWORK_POLICIES = {
  group: "networking.k8s.io",
  version: "v1",
  plural: "networkpolicies",
} as const;

/** The informers of the operator plus indexes. */
export class Cache {
  readonly servers: Informer<MCPServer>;
  readonly pools: Informer<MCPPool>;
  readonly pods: Informer<Pod>;
  readonly services: Informer<Service>;
  /** Absent when NetworkPolicies are turned off. */
  readonly networkPolicies?: Informer<NetworkPolicy>;
  /** Declared objects (every one: selection is the servers' business). */
  readonly tools: Informer<MCPTool>;
  readonly prompts: Informer<MCPPrompt>;
  readonly resources: Informer<MCPResource>;
  /** The declared ConfigMaps nmcp manages. */
  readonly configMaps: Informer<ConfigMap>;
  /** Every Service (declared tools and resources call any Service of their namespace). */
  readonly allServices: Informer<Service>;
  #listeners = new Set<() => void>();
  /** server key → pod keys. */
  #podsByServer = new Map<string, Set<string>>();
  /** pool key → server keys. */
  #serversByPool = new Map<string, Set<string>>();

  /** Creates (does not start) the informers. */
  constructor(client: KubeClient, opts: CacheOptions) {
    const ns = opts.namespace;
    const managed = `${LABELS.managedBy}=${MANAGED_BY}`;
    const mk = <T extends KubeObj>(path: string, labelSelector?: string) =>
      new Informer<T>(client, {
        path,
        labelSelector,
        idleTimeoutMs: opts.idleTimeoutMs,
        transform: stripMetadata,
        log: opts.log.with({ informer: path }),
      });
    this.servers = mk(resourcePath(RESOURCES.servers, ns));
    this.pools = mk(resourcePath(RESOURCES.pools, ns));
    this.pods = mk(resourcePath(RESOURCES.pods, ns), managed);
    this.services = mk(resourcePath(RESOURCES.services, ns), managed);
    if (opts.networkPolicies !== false) {
      this.networkPolicies = mk(resourcePath(NETWORK_POLICIES, ns), managed);
    }
    this.tools = mk(resourcePath(RESOURCES.tools, ns));
    this.prompts = mk(resourcePath(RESOURCES.prompts, ns));
    this.resources = mk(resourcePath(RESOURCES.resources, ns));
    this.configMaps = mk(resourcePath(RESOURCES.configMaps, ns), managed);
    this.allServices = mk(resourcePath(RESOURCES.services, ns));
    this.pods.on((e) => {
      const key = serverKeyOfPod(e.object);
      if (!key) return;
      const podKey = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      if (e.type === "DELETED") this.#podsByServer.get(key)?.delete(podKey);
      else index(this.#podsByServer, key, podKey);
      this.#notify();
    });
    this.servers.on((e) => {
      const key = `${e.object.metadata.namespace}/${e.object.metadata.name}`;
      if (e.old) this.#serversByPool.get(poolKeyOf(e.old))?.delete(key);
      if (e.type !== "DELETED") index(this.#serversByPool, poolKeyOf(e.object), key);
      this.#notify();
    });
  }

  /** Calls `fn` after every server or pod change; returns the unsubscribe function. */
  subscribe(fn: () => void): () => void {
    this.#listeners.add(fn);
    return () => this.#listeners.delete(fn);
  }

  #notify(): void {
    for (const fn of [...this.#listeners]) fn();
  }

  #all(): Pick<Informer<KubeObj>, "start" | "stop" | "synced">[] {
    const all = [
      this.servers,
      this.pools,
      this.pods,
      this.services,
      this.tools,
      this.prompts,
      this.resources,
      this.configMaps,
      this.allServices,
    ];
    return this.networkPolicies ? [...all, this.networkPolicies] : all;
  }

  /** Starts every informer; resolves when all listed once. */
  async start(): Promise<void> {
    await Promise.all(this.#all().map((i) => i.start()));
  }

  /** Stops every informer. */
  async stop(): Promise<void> {
    await Promise.all(this.#all().map((i) => i.stop()));
  }

  /** Whether every informer has listed once. */
  get synced(): boolean {
    return this.#all().every((i) => i.synced);
  }

  /** Pods of a server that it controls (by label and controller owner uid). */
  podsOf(server: MCPServer): Pod[] {
    const key = `${server.metadata.namespace}/${server.metadata.name}`;
    const out: Pod[] = [];
    for (const k of this.#podsByServer.get(key) ?? []) {
      const p = this.pods.store.get(k);
      const owner = p?.metadata.ownerReferences?.find((o) => o.controller);
      if (p && owner?.uid === server.metadata.uid) out.push(p);
    }
    return out;
  }

  /** The declared objects of a namespace. */
  declaredIn(
    namespace: string,
  ): { tools: MCPTool[]; prompts: MCPPrompt[]; resources: MCPResource[] } {
    const inNs = <T extends KubeObj>(i: Informer<T>) =>
      [...i.store.values()].filter((o) => o.metadata.namespace === namespace);
    return {
      tools: inNs(this.tools),
      prompts: inNs(this.prompts),
      resources: inNs(this.resources),
    };
  }

  /** The servers of a namespace that have a toolSelector. */
  declaringServersIn(namespace: string): MCPServer[] {
    return [...this.servers.store.values()].filter((s) =>
      s.metadata.namespace === namespace && s.spec?.toolSelector !== undefined
    );
  }

  /** Servers of a pool (namespace/pool key). */
  serversIn(poolKey: string): MCPServer[] {
    const out: MCPServer[] = [];
    for (const k of this.#serversByPool.get(poolKey) ?? []) {
      const s = this.servers.store.get(k);
      if (s) out.push(s);
    }
    return out;
  }
}

function index(map: Map<string, Set<string>>, key: string, value: string): void {
  let set = map.get(key);
  if (!set) map.set(key, set = new Set());
  set.add(value);
}

/** The namespace/pool key of a server. */
export function poolKeyOf(server: MCPServer): string {
  return `${server.metadata.namespace}/${server.spec?.pool ?? "default"}`;
}

/** The server key a pod belongs to (from its server label), if any. */
export function serverKeyOfPod(pod: Pod): string | undefined {
  const name = pod.metadata.labels?.[LABELS.server];
  return name ? `${pod.metadata.namespace}/${name}` : undefined;
}
