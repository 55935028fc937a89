/**
 * The nmcp test bed: a Kubernetes API server and a process kubelet in one call.
 *
 * ```ts
 * const cluster = await startCluster();
 * // KUBECONFIG=cluster.kubeconfigPath kubectl run … ; kubectl logs … ; kubectl port-forward …
 * await cluster.stop();
 * ```
 *
 * @module
 */

export { type Cluster, type ClusterOptions, startCluster } from "./cluster.ts";
export {
  anyTag,
  defaultImages,
  type Image,
  type ImageMap,
  type ImageRule,
  type ImageSource,
} from "./images.ts";
export type { Kubelet } from "./kubelet/mod.ts";
export { runCommand, runKubectl, type RunOptions, type RunResult } from "./kubectl.ts";
