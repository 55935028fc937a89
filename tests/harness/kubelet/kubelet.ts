/**
 * The process kubelet: a real API client that lists and watches pods (re-listing on 410,
 * re-watching on close), binds unscheduled pods to its node, runs each pod through a
 * PodWorker, and serves the streaming subresources for the API server.
 *
 * @module
 */

import { createLogger, type Logger } from "../../../lib/log.ts";
import type { PodStreamHandler } from "../contract.ts";
import { defaultImages, type ImageMap } from "../images.ts";
import { buildNetshim, netshimEnv } from "../netshim/mod.ts";
import { maintainServiceTable } from "./service_table.ts";

/** Where a kubelet keeps its Service table (read by the netshim of its pods). */
const serviceTablePath = (dataDir: string) => `${dataDir}/services`;
import { type ApiConfig, ApiError, KubeApi, type WatchEvent } from "./api.ts";
import { ImageStore } from "./image_store.ts";
import { claimIpRange, type IpRangeClaim } from "./ip_claim.ts";
import { IpPool } from "./ip_pool.ts";
import { PodWorker, type PodWorkerDeps } from "./pod_worker.ts";
import { findHostTools } from "./process.ts";
import { createStreamHandler } from "./stream.ts";
import type { Pod } from "./types.ts";

/** Options of {@linkcode startKubelet}. */
export interface KubeletOptions {
  /** The API server (URL, token, CA). */
  api: ApiConfig;
  /** Where pods' volumes, logs and images live. */
  dataDir: string;
  /** Extra image rules, tried before the defaults. */
  images?: ImageMap;
  /** Node name. Default `harness-node`. */
  nodeName?: string;
  /**
   * First three octets of pod IPs (a /24 under 127.0.0.0/8). Default: the first range no other
   * harness on the machine holds. Either way the range is locked machine-wide until `stop()`.
   */
  podIpPrefix?: string;
  /** Directory of the machine-wide range locks. Default `/tmp/nmcp-harness-ip`. */
  ipClaimDir?: string;
  /** First restart back-off. Default 1000 ms (10 s in a real kubelet). */
  backoffBaseMs?: number;
  /** Longest back-off. Default 300000 ms. */
  backoffMaxMs?: number;
  /** Preload the netshim into containers (per-pod localhost). Default true. */
  netshim?: boolean;
  /** Host env passed to containers. Default: PATH, HOME, DENO_DIR and a few others. */
  baseEnv?: Record<string, string>;
  log?: Logger;
}

const PASS_ENV = [
  "PATH",
  "HOME",
  "DENO_DIR",
  "XDG_CACHE_HOME",
  "LANG",
  "TMPDIR",
  "NPM_CONFIG_REGISTRY",
];

function hostEnv(): Record<string, string> {
  const out: Record<string, string> = { DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" };
  for (const k of PASS_ENV) {
    const v = Deno.env.get(k);
    if (v !== undefined) out[k] = v;
  }
  return out;
}

/**
 * The node's address: `.1` of the claimed range (pods get .2–.254). Not 127.0.0.1, so that a
 * pod (through the netshim) tells the host's connections (probes, other host processes) from
 * its own loopback; hostNetwork pods get it as their pod IP.
 */
export function nodeIP(prefix: string): string {
  return `${prefix}.1`;
}

/** A running kubelet. */
export interface Kubelet {
  readonly nodeName: string;
  /** The first three octets of this kubelet's pod IPs (its claimed /24). */
  readonly podIpPrefix: string;
  /** The handler to install with the API server's setPodStreamHandler. */
  readonly streamHandler: PodStreamHandler;
  /** The worker of a pod (by uid), if it runs here. */
  worker(uid: string): PodWorker | undefined;
  /** Stops watching and kills every container at once. */
  stop(): Promise<void>;
}

/** Watches pods and runs this node's through pod workers. */
class ProcessKubelet implements Kubelet {
  readonly nodeName: string;
  readonly podIpPrefix: string;
  readonly streamHandler: PodStreamHandler;
  #claim: IpRangeClaim;
  #api: KubeApi;
  #deps: PodWorkerDeps;
  #workers = new Map<string, PodWorker>();
  #binding = new Set<string>();
  #ac = new AbortController();
  #running: Promise<void> = Promise.resolve();

  constructor(api: KubeApi, deps: PodWorkerDeps, claim: IpRangeClaim) {
    this.nodeName = deps.nodeName;
    this.podIpPrefix = claim.prefix;
    this.#claim = claim;
    this.#api = api;
    this.#deps = deps;
    this.streamHandler = createStreamHandler((uid) => this.#workers.get(uid));
  }

  worker(uid: string): PodWorker | undefined {
    return this.#workers.get(uid);
  }

  start(): void {
    const table = maintainServiceTable(
      this.#api,
      serviceTablePath(this.#deps.dataDir),
      this.#ac.signal,
    );
    this.#running = Promise.all([this.#loop(), table]).then(() => {});
  }

  #bind(pod: Pod) {
    const uid = pod.metadata.uid;
    if (pod.metadata.deletionTimestamp || this.#binding.has(uid)) return;
    this.#binding.add(uid);
    this.#api.bind(pod, this.nodeName).catch((e) => {
      this.#binding.delete(uid);
      this.#deps.log.warn("Cannot bind pod", { pod: pod.metadata.name, error: String(e) });
    });
  }

  #handle(type: WatchEvent["type"], pod: Pod) {
    const uid = pod.metadata.uid;
    const worker = this.#workers.get(uid);
    if (type === "DELETED") {
      if (!worker) return;
      this.#workers.delete(uid);
      worker.terminate(0, false).catch(() => {});
      return;
    }
    if (!pod.spec.nodeName) return this.#bind(pod);
    if (pod.spec.nodeName !== this.nodeName) return;
    if (worker) return worker.update(pod);
    if (pod.metadata.deletionTimestamp) {
      this.#api.deletePodNow(pod).catch(() => {});
      return;
    }
    const phase = pod.status?.phase;
    if (phase === "Succeeded" || phase === "Failed") return;
    const w = new PodWorker(pod, this.#deps);
    this.#workers.set(uid, w);
    w.start();
  }

  async #relist(): Promise<string> {
    const list = await this.#api.listPods();
    const seen = new Set(list.items.map((p) => p.metadata.uid));
    for (const [uid, w] of this.#workers) if (!seen.has(uid)) this.#handle("DELETED", w.pod);
    for (const p of list.items) this.#handle("MODIFIED", p);
    return list.resourceVersion;
  }

  async #loop(): Promise<void> {
    let rv: string | undefined;
    const signal = this.#ac.signal;
    while (!signal.aborted) {
      try {
        rv ??= await this.#relist();
        await this.#api.watchPods(rv, (e) => {
          if (e.type === "ERROR") {
            if (e.object.code === 410) rv = undefined;
            return;
          }
          if (e.object.metadata?.resourceVersion) rv = e.object.metadata.resourceVersion;
          if (e.type !== "BOOKMARK") this.#handle(e.type, e.object);
        }, signal);
      } catch (e) {
        if (signal.aborted) break;
        if (e instanceof ApiError && e.code === 410) rv = undefined;
        else this.#deps.log.warn("pod watch failed; retrying", { error: String(e) });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  }

  async stop(): Promise<void> {
    this.#ac.abort();
    await this.#running;
    await Promise.all([...this.#workers.values()].map((w) => w.terminate(0, false)));
    this.#workers.clear();
    await this.#api.drain();
    this.#api.close();
    this.#claim.release();
  }
}

/** Starts a kubelet against the API server in `opts.api`. */
export async function startKubelet(opts: KubeletOptions): Promise<Kubelet> {
  const log = opts.log ?? createLogger({ component: "harness-kubelet" }, { level: "warn" });
  const api = new KubeApi(opts.api);
  let shim: string | undefined;
  if (opts.netshim ?? true) {
    shim = await buildNetshim().catch((e) => {
      log.warn("netshim unavailable: pods share the host's localhost", { error: String(e) });
      return undefined;
    });
  }
  const claim = claimIpRange({ prefix: opts.podIpPrefix, dir: opts.ipClaimDir });
  try {
    return await runKubelet(opts, api, log, shim, claim);
  } catch (e) {
    claim.release();
    api.close();
    throw e;
  }
}

async function runKubelet(
  opts: KubeletOptions,
  api: KubeApi,
  log: Logger,
  shim: string | undefined,
  claim: IpRangeClaim,
): Promise<Kubelet> {
  const deps: PodWorkerDeps = {
    api,
    tools: await findHostTools(),
    images: new ImageStore(
      [...(opts.images ?? []), ...defaultImages()],
      `${opts.dataDir}/images`,
    ),
    ipPool: new IpPool(claim.prefix),
    dataDir: opts.dataDir,
    hostIP: nodeIP(claim.prefix),
    nodeName: opts.nodeName ?? "harness-node",
    backoffBaseMs: opts.backoffBaseMs ?? 1000,
    backoffMaxMs: opts.backoffMaxMs ?? 300_000,
    podEnv: (ip: string): Record<string, string> =>
      shim ? netshimEnv(shim, ip, nodeIP(claim.prefix), serviceTablePath(opts.dataDir)) : {},
    baseEnv: opts.baseEnv ?? hostEnv(),
    cluster: opts.api,
    log,
  };
  await api.registerNode(deps.nodeName, deps.hostIP);
  const kubelet = new ProcessKubelet(api, deps, claim);
  kubelet.start();
  return kubelet;
}
