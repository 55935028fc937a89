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
import { type ApiConfig, ApiError, KubeApi, type WatchEvent } from "./api.ts";
import { ImageStore } from "./image_store.ts";
import { IpPool } from "./ip_pool.ts";
import { PodWorker } from "./pod_worker.ts";
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
  /** First three octets of pod IPs. Default `127.0.1`. */
  podIpPrefix?: string;
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

/** A running kubelet. */
export interface Kubelet {
  readonly nodeName: string;
  /** The handler to install with the API server's setPodStreamHandler. */
  readonly streamHandler: PodStreamHandler;
  /** The worker of a pod (by uid), if it runs here. */
  worker(uid: string): PodWorker | undefined;
  /** Stops watching and kills every container at once. */
  stop(): Promise<void>;
}

/** Starts a kubelet against the API server in `opts.api`. */
export async function startKubelet(opts: KubeletOptions): Promise<Kubelet> {
  const log = opts.log ?? createLogger({ component: "harness-kubelet" }, { level: "warn" });
  const nodeName = opts.nodeName ?? "harness-node";
  const hostIP = "127.0.0.1";
  const api = new KubeApi(opts.api);
  const tools = await findHostTools();
  let shim: string | undefined;
  if (opts.netshim ?? true) {
    shim = await buildNetshim().catch((e) => {
      log.warn("netshim unavailable: pods share the host's localhost", { error: String(e) });
      return undefined;
    });
  }
  const images = new ImageStore(
    [...(opts.images ?? []), ...defaultImages()],
    `${opts.dataDir}/images`,
  );
  const workers = new Map<string, PodWorker>();
  const deps = {
    api,
    tools,
    images,
    ipPool: new IpPool(opts.podIpPrefix),
    dataDir: opts.dataDir,
    hostIP,
    nodeName,
    backoffBaseMs: opts.backoffBaseMs ?? 1000,
    backoffMaxMs: opts.backoffMaxMs ?? 300_000,
    podEnv: (ip: string): Record<string, string> => (shim ? netshimEnv(shim, ip) : {}),
    baseEnv: opts.baseEnv ?? hostEnv(),
    log,
  };
  const binding = new Set<string>();
  const ac = new AbortController();

  const handle = (type: WatchEvent["type"], pod: Pod) => {
    const uid = pod.metadata.uid;
    const worker = workers.get(uid);
    if (type === "DELETED") {
      if (worker) {
        workers.delete(uid);
        worker.terminate(0, false).catch(() => {});
      }
      return;
    }
    if (!pod.spec.nodeName) {
      if (pod.metadata.deletionTimestamp || binding.has(uid)) return;
      binding.add(uid);
      api.bind(pod, nodeName).catch((e) => {
        binding.delete(uid);
        log.warn("Cannot bind pod", { pod: pod.metadata.name, error: String(e) });
      });
      return;
    }
    if (pod.spec.nodeName !== nodeName) return;
    if (worker) {
      worker.update(pod);
      return;
    }
    const finished = pod.status?.phase === "Succeeded" || pod.status?.phase === "Failed";
    if (pod.metadata.deletionTimestamp) {
      api.deletePodNow(pod).catch(() => {});
      return;
    }
    if (finished) return;
    const w = new PodWorker(pod, deps);
    workers.set(uid, w);
    w.start();
  };

  const loop = async () => {
    let rv: string | undefined;
    while (!ac.signal.aborted) {
      try {
        if (rv === undefined) {
          const list = await api.listPods();
          rv = list.resourceVersion;
          const seen = new Set(list.items.map((p) => p.metadata.uid));
          for (const [uid, w] of workers) if (!seen.has(uid)) handle("DELETED", w.pod);
          for (const p of list.items) handle("MODIFIED", p);
        }
        await api.watchPods(rv, (e) => {
          if (e.type === "ERROR") {
            if (e.object.code === 410) rv = undefined;
            return;
          }
          if (e.object.metadata?.resourceVersion) rv = e.object.metadata.resourceVersion;
          if (e.type !== "BOOKMARK") handle(e.type, e.object);
        }, ac.signal);
      } catch (e) {
        if (ac.signal.aborted) break;
        if (e instanceof ApiError && e.code === 410) rv = undefined;
        else log.warn("pod watch failed; retrying", { error: String(e) });
        await new Promise((r) => setTimeout(r, 500));
      }
    }
  };

  await api.registerNode(nodeName, hostIP);
  const running = loop();
  return {
    nodeName,
    streamHandler: createStreamHandler((uid) => workers.get(uid)),
    worker: (uid) => workers.get(uid),
    async stop() {
      ac.abort();
      await running;
      await Promise.all([...workers.values()].map((w) => w.terminate(0, false)));
      workers.clear();
      api.close();
    },
  };
}
