/**
 * nmcp's API: the MCPServer and MCPPool types (the single source of truth), their CRDs,
 * and the names (group, labels, annotations, conditions) every part shares.
 *
 * @module
 */

export {
  ANNOTATIONS,
  API_VERSION,
  CATEGORY,
  CONDITIONS,
  GROUP,
  LABELS,
  MANAGED_BY,
  MCP_POOL,
  MCP_SERVER,
  type Phase,
  PHASES,
  TRANSPORTS,
  type TransportType,
  VERSION,
} from "./constants.ts";
export type { Condition, ObjectMeta, OwnerReference } from "./meta.ts";
export type {
  EnvFromSource,
  EnvVar,
  LocalObjectReference,
  ResourceRequirements,
} from "./pod_fields.ts";
export {
  ociReference,
  type PackageArgument,
  type PackageEnv,
  packageLabel,
  type PackageSpec,
  REGISTRY_TYPES,
  type RegistryType,
} from "./package_fields.ts";
export type {
  LastWake,
  MCPServer,
  MCPServerSpec,
  MCPServerStatus,
  Transport,
} from "./mcp_server.ts";
export type {
  AuthSpec,
  NetworkSpec,
  PodSecurityOverrides,
  ToolsPolicy,
} from "./security_fields.ts";
export type { MCPPool, MCPPoolSpec, MCPPoolStatus } from "./mcp_pool.ts";
export {
  allCrds,
  type CustomResourceDefinition,
  mcpPoolCrd,
  mcpServerCrd,
  type PrinterColumn,
} from "./crd.ts";
export {
  type Duration,
  DURATION_MESSAGE,
  DURATION_PATTERN,
  durationOr,
  formatDuration,
  parseDuration,
} from "./duration.ts";
export type { CelRule, OpenApiSchema } from "./schema.ts";
