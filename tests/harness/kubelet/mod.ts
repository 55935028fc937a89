/**
 * The harness's process kubelet: runs pods of a harness API server as local processes
 * (per-pod loopback IP, volumes in private mount namespaces) and serves their logs, exec,
 * attach and port-forward streams.
 *
 * @module
 */

export { type Kubelet, type KubeletOptions, startKubelet } from "./kubelet.ts";
export type { ApiConfig } from "./api.ts";
