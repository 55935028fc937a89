/**
 * nmcp's API: the MCPServer, MCPPool, MCPTool, MCPPrompt and MCPResource types (the single source of truth), their CRDs,
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
  HTTP_METHODS,
  type HttpMethod,
  LABELS,
  MANAGED_BY,
  MCP_POOL,
  MCP_PROMPT,
  MCP_RESOURCE,
  MCP_SERVER,
  MCP_TOOL,
  type Phase,
  PHASES,
  PULL_SECRETS_ROLE,
  TOKEN_KEY_SECRET,
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
export type { MCPTool, MCPToolSpec } from "./mcp_tool.ts";
export type { MCPPrompt, MCPPromptSpec } from "./mcp_prompt.ts";
export type { MCPResource, MCPResourceSpec } from "./mcp_resource.ts";
export {
  type DeclaredStatus,
  type LabelSelector,
  SELECTOR_OPERATORS,
  type ServiceRef,
} from "./declared_fields.ts";
export {
  allCrds,
  type CustomResourceDefinition,
  mcpPoolCrd,
  mcpPromptCrd,
  mcpResourceCrd,
  mcpServerCrd,
  mcpToolCrd,
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
