/** The MCPServer resource: one MCP server that nmcp runs on demand. */

import { labelSelector } from "./declared_fields.ts";
import { duration } from "./duration.ts";
import { conditionSchema, type ObjectMeta } from "./meta.ts";
import { PHASES, TRANSPORTS } from "./constants.ts";
import {
  envFromSchema,
  envVarSchema,
  localObjectReferenceSchema,
  resourcesSchema,
} from "./pod_fields.ts";
import { packageSchema } from "./package_fields.ts";
import { array, enumOf, type Infer, integer, object, opaque, string } from "./schema.ts";
import {
  authSchema,
  networkSchema,
  podSecurityContextSchema,
  toolsPolicySchema,
} from "./security_fields.ts";

/** How the gateway reaches the MCP server inside the pod. */
export const transportSchema = object({
  type: enumOf(TRANSPORTS, {
    description: "stdio (bridged through FIFOs), streamable-http or sse (proxied on `port`).",
    default: "stdio",
  }),
  port: integer({
    description: "Port the HTTP server listens on; required for HTTP transports.",
    minimum: 1,
    maximum: 65535,
  }),
  path: string({
    description: "Path of the MCP endpoint (default /mcp, or /sse for sse).",
    pattern: "^/",
  }),
}, {
  required: ["type"],
  description: "The transport the MCP server speaks.",
  default: { type: "stdio" },
  validations: [
    {
      rule: "self.type != 'stdio' || !has(self.port)",
      message: "port is forbidden for the stdio transport",
      fieldPath: ".port",
      reason: "FieldValueForbidden",
    },
    {
      rule: "self.type == 'stdio' || has(self.port)",
      message: "port is required for the streamable-http and sse transports",
      fieldPath: ".port",
      reason: "FieldValueRequired",
    },
    {
      rule: "self.type != 'stdio' || !has(self.path)",
      message: "path is forbidden for the stdio transport",
      fieldPath: ".path",
      reason: "FieldValueForbidden",
    },
  ],
});

/** The transport of an MCPServer. */
export type Transport = Infer<typeof transportSchema>;

/** Desired state of an MCPServer. */
export const mcpServerSpecSchema = object({
  pool: string({
    description: "The MCPPool this server belongs to.",
    default: "default",
    minLength: 1,
    maxLength: 253,
  }),
  image: string({
    description: "Container image of the MCP server (or set `package`; neither: virtual).",
    minLength: 1,
  }),
  package: packageSchema,
  command: array(string(), {
    description: "Entrypoint; when unset, the image's own (read from its registry).",
  }),
  args: array(string(), { description: "Arguments; when unset, the image's own (Cmd)." }),
  env: array(envVarSchema, {
    description: "Environment variables.",
    mapKeys: ["name"],
    maxItems: 256,
  }),
  envFrom: array(envFromSchema, {
    description: "Sources of environment variables.",
    maxItems: 64,
  }),
  transport: transportSchema,
  idleTimeout: duration({
    description: "How long without requests or sessions before the server is stopped: " +
      "seconds or a duration such as 60s or 1h30m (0 = never; unset = the pool's " +
      "defaultIdleTimeout).",
  }),
  resources: resourcesSchema,
  serviceAccountName: string({ description: "ServiceAccount the MCP pod runs as." }),
  imagePullSecrets: array(localObjectReferenceSchema, {
    description: "Secrets used to pull the image and to read its config from the registry.",
    maxItems: 16,
  }),
  tools: toolsPolicySchema,
  network: networkSchema,
  securityContext: podSecurityContextSchema,
  auth: authSchema,
  toolSelector: labelSelector(
    "Selects the MCPTools, MCPPrompts and MCPResources (same namespace) the gateway serves; " +
      "with no image and no package the server is virtual (gateway only).",
  ),
}, {
  validations: [
    {
      // `package` is a CEL reserved word: Kubernetes exposes the property as `__package__`.
      rule: "has(self.image) != has(self.__package__) || " +
        "(!has(self.image) && has(self.toolSelector))",
      message: "exactly one of image and package must be set (or neither, with toolSelector)",
    },
    {
      rule: "has(self.image) || has(self.__package__) || " +
        "(!has(self.command) && !has(self.args) && self.transport.type == 'stdio')",
      message: "command, args and an HTTP transport need an image or a package",
      reason: "FieldValueForbidden",
    },
    {
      rule: "!has(self.__package__) || (!has(self.command) && !has(self.args))",
      message: "command and args are forbidden with package (use package.packageArguments)",
      reason: "FieldValueForbidden",
    },
  ],
});

/** Desired state of an MCPServer. */
export type MCPServerSpec = Infer<typeof mcpServerSpecSchema>;

/** What the gateway learned from the server's initialize result. */
export const serverInfoSchema = object({
  name: string(),
  version: string(),
  protocolVersion: string(),
  capabilities: opaque({ description: "Capabilities the server announced." }),
}, { description: "Learned from the MCP initialize result." });

const time = (description: string) => string({ description, format: "date-time" });

/** The latest wake of a server: when it was asked for, admitted, Ready, and whom it waited for. */
export const lastWakeSchema = object({
  requestedAt: time("The request that started this wake."),
  admittedAt: time("When the pool let the server start (after any queueing)."),
  readyAt: time("When the server became Ready."),
  durationMs: integer({ minimum: 0, description: "Milliseconds from the request to Ready." }),
  queuedMs: integer({ minimum: 0, description: "Milliseconds waiting for a pool slot." }),
  queuedBehind: array(string(), {
    description: "Servers holding the pool's slots or ahead in its queue while this one waited.",
    maxItems: 10,
  }),
}, { description: "The latest wake (request to Ready), recorded by the operator." });

/** The latest wake of an MCPServer. */
export type LastWake = Infer<typeof lastWakeSchema>;

/** Observed state of an MCPServer. */
export const mcpServerStatusSchema = object({
  phase: enumOf(PHASES, { description: "Where the server is in its lifecycle." }),
  conditions: array(conditionSchema, { mapKeys: ["type"] }),
  observedGeneration: integer({ format: "int64", minimum: 0 }),
  requestedAt: time("When the current run was requested."),
  startedAt: time("When the server last became Ready."),
  stoppedAt: time("When the server was last stopped."),
  lastRequestAt: time("When a client last sent a request."),
  totalRequests: integer({ format: "int64", minimum: 0, description: "Requests served." }),
  currentConnections: integer({
    minimum: 0,
    description: "Live connections: requests in flight plus open streams (they keep it up).",
  }),
  openSessions: integer({
    minimum: 0,
    description: "Sessions open at the gateway, live or not (an abandoned one keeps nothing up).",
  }),
  podName: string({ description: "The pod running the server." }),
  endpoint: string({ description: "In-cluster URL of the server's MCP endpoint." }),
  serverInfo: serverInfoSchema,
  lastWake: lastWakeSchema,
});

/** Observed state of an MCPServer. */
export type MCPServerStatus = Infer<typeof mcpServerStatusSchema>;

/** An MCPServer object. */
export interface MCPServer {
  apiVersion: "nmcp.nwrx.io/v1";
  kind: "MCPServer";
  metadata: ObjectMeta;
  spec: MCPServerSpec;
  status?: MCPServerStatus;
}
