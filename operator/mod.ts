/**
 * nmcp's operator: pure builders and planners for reuse (CLI install/export, deploy/), and
 * `startOperator()` to run it.
 *
 * @module
 */

export {
  buildPod,
  buildService,
  GATEWAY_PORT,
  GATEWAY_V8_FLAGS,
  LAUNCH_SCRIPT,
  ownerRef,
  type PodOptions,
  specHash,
  TOKEN_FILE,
} from "./build/pod.ts";
export {
  networkPolicyName,
  podName,
  serviceEndpoint,
  serviceName,
  tokenSecretName,
} from "./build/names.ts";
export { buildNetworkPolicy } from "./build/network_policy.ts";
export { buildTokenSecret } from "./build/token_secret.ts";
export { restrictedViolations, type Violation } from "./build/pod_security_standard.ts";
export {
  type KubeObject,
  type ManifestOptions,
  MCP_SERVICE_ACCOUNT,
  OPERATOR_V8_FLAGS,
  operatorManifests,
} from "../lib/install/manifests.ts";
export type { Container, Entrypoint, NetworkPolicy, Pod, Secret, Service } from "./build/types.ts";
export {
  type ObservedServer,
  planServer,
  type ServerPlan,
  type ServerSettings,
} from "./reconcile/server.ts";
export { planPool, poolDecision, type PoolMember, type PoolPlan } from "./reconcile/pool.ts";
export { isStopRequested, isWanted } from "./reconcile/request.ts";
export { REASONS } from "./reconcile/reasons.ts";
export type { Activity } from "./reconcile/activity.ts";
export { type OperatorOptions, type RunningOperator, startOperator } from "./operator.ts";
export { createMetrics, type OperatorMetrics } from "./metrics.ts";
export { type Inventory, registerInventoryMetrics } from "./inventory_metrics.ts";
export {
  type ClusterAccess,
  createKubeClient,
  type KubeClient,
  KubeError,
  loadClusterAccess,
  resourcePath,
  RESOURCES,
} from "../lib/kube/mod.ts";
