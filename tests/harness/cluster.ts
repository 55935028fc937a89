/**
 * A whole harness cluster: the API server, then the process kubelet with its stream handler
 * installed. `env()` gives child processes (kubectl, the operator, the plugin) the cluster.
 *
 * @module
 */

import { type ApiServer, startApiServer } from "./apiserver/mod.ts";
import type { ImageMap } from "./images.ts";
import { type Kubelet, startKubelet } from "./kubelet/mod.ts";

/** Options of {@linkcode startCluster}. */
export interface ClusterOptions {
  /** Where the API server persists state and the kubelet keeps pods. Default: a new dir under .cache/harness. */
  dataDir?: string;
  /** Extra image rules (tried before the defaults). */
  images?: ImageMap;
  /** Where to write the kubeconfig. Default: a temp file. */
  kubeconfigPath?: string;
  /** The kubeconfig context's namespace. Default `default`. */
  namespace?: string;
  /**
   * First three octets of pod IPs. Default: a free /24 claimed machine-wide (see
   * kubelet/ip_claim.ts); a given one is claimed too, and startCluster fails if it is held.
   */
  podIpPrefix?: string;
  /** First restart back-off in ms. Default 1000. */
  backoffBaseMs?: number;
}

/** A running cluster. */
export interface Cluster {
  kubeconfigPath: string;
  url: string;
  apiServer: ApiServer;
  kubelet: Kubelet;
  /** Environment for child processes: KUBECONFIG. */
  env(): Record<string, string>;
  /** Stops the kubelet (killing every container) and then the API server. */
  stop(): Promise<void>;
}

/**
 * Where clusters keep their files by default: under the repository's .cache/, not /tmp, so
 * that pods mounting an emptyDir at /tmp (as the operator does) still see their service
 * account files and image executables, which live in the kubelet's directory.
 */
async function cacheDir(): Promise<string> {
  const dir = new URL("../../.cache/harness/", import.meta.url).pathname;
  await Deno.mkdir(dir, { recursive: true });
  return dir;
}

/** The kubelet's node; it authenticates as `system:node:<name>` in group `system:nodes`. */
export const NODE_NAME = "harness-node";

/** Starts the API server and a kubelet bound to it (with its own node credentials). */
export async function startCluster(opts: ClusterOptions = {}): Promise<Cluster> {
  const ownDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? await Deno.makeTempDir({
    prefix: "harness-cluster-",
    dir: await cacheDir(),
  });
  const apiServer = await startApiServer({
    dataDir: ownDir ? undefined : `${dataDir}/apiserver`,
    kubeconfigPath: opts.kubeconfigPath,
    namespace: opts.namespace,
  });
  let kubelet: Kubelet;
  try {
    const token = await apiServer.issueUserToken(`system:node:${NODE_NAME}`, ["system:nodes"]);
    kubelet = await startKubelet({
      api: { url: apiServer.url, token, caCertPem: apiServer.caCertPem },
      nodeName: NODE_NAME,
      dataDir: `${dataDir}/kubelet`,
      images: opts.images,
      podIpPrefix: opts.podIpPrefix,
      backoffBaseMs: opts.backoffBaseMs,
    });
  } catch (e) {
    await apiServer.stop();
    throw e;
  }
  apiServer.setPodStreamHandler(kubelet.streamHandler);
  return {
    kubeconfigPath: apiServer.kubeconfigPath,
    url: apiServer.url,
    apiServer,
    kubelet,
    env: () => ({ KUBECONFIG: apiServer.kubeconfigPath }),
    async stop() {
      await kubelet.stop();
      await apiServer.stop();
      if (ownDir) await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    },
  };
}
