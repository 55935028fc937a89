/**
 * The one Kubernetes client of the operator and the plugin: kubeconfig resolution
 * (kubectl's merge rules, in-cluster, client-node only for exec/auth-provider users), a REST
 * client on Deno's fetch, one error type with predicates, encoded paths, watches and an
 * informer.
 *
 * @module
 */

export {
  type ClusterAccess,
  inClusterServer,
  loadClusterAccess,
  type LoadOptions,
} from "./access.ts";
export { createKubeClient, type KubeClient, type RequestOptions } from "./client.ts";
export { objectPath, resolveResource, type ResourceInfo } from "./discovery.ts";
export {
  describeError,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isGone,
  isInvalid,
  isNotFound,
  isTerminal,
  KubeError,
  kubeErrorFrom,
  type Status,
  statusCode,
  TERMINAL_CODES,
} from "./errors.ts";
export {
  Informer,
  type InformerEvent,
  type InformerOptions,
  keyOf,
  type KubeObj,
  sleep,
  stripMetadata,
} from "./informer.ts";
export {
  kubeconfigContexts,
  kubeconfigFiles,
  type KubeconfigOptions,
  type ResolvedKubeconfig,
} from "./kubeconfig.ts";
export {
  apiVersionPath,
  groupVersionPath,
  type Query,
  queryString,
  resourcePath,
  type ResourceRef,
  RESOURCES,
} from "./path.ts";
export {
  readWatch,
  type ReadWatchOptions,
  watchCollection,
  type WatchEvent,
  type WatchOptions,
} from "./watch.ts";
