/** Names defined once: API group, kinds, labels, annotations, condition types. */

/** The API group of nmcp's resources. */
export const GROUP = "nmcp.nwrx.io";
/** The served and stored API version. */
export const VERSION = "v1";
/** `apiVersion` of nmcp objects. */
export const API_VERSION = `${GROUP}/${VERSION}`;

/** Kind and resource names of MCPServer. */
export const MCP_SERVER = {
  kind: "MCPServer",
  plural: "mcpservers",
  singular: "mcpserver",
  shortNames: ["mcps"],
  listKind: "MCPServerList",
} as const;

/** Kind and resource names of MCPPool. */
export const MCP_POOL = {
  kind: "MCPPool",
  plural: "mcppools",
  singular: "mcppool",
  shortNames: ["mcpp"],
  listKind: "MCPPoolList",
} as const;

/** Kind and resource names of MCPTool. */
export const MCP_TOOL = {
  kind: "MCPTool",
  plural: "mcptools",
  singular: "mcptool",
  shortNames: ["mcpt"],
  listKind: "MCPToolList",
} as const;

/** Kind and resource names of MCPPrompt. */
export const MCP_PROMPT = {
  kind: "MCPPrompt",
  plural: "mcpprompts",
  singular: "mcpprompt",
  shortNames: ["mcppr"],
  listKind: "MCPPromptList",
} as const;

/** Kind and resource names of MCPResource. */
export const MCP_RESOURCE = {
  kind: "MCPResource",
  plural: "mcpresources",
  singular: "mcpresource",
  shortNames: ["mcpr"],
  listKind: "MCPResourceList",
} as const;

/** HTTP methods a declared tool may call its Service with. */
export const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;

/** An HTTP method of a declared tool. */
export type HttpMethod = typeof HTTP_METHODS[number];

/** The category grouping nmcp's resources (`kubectl get nmcp`). */
export const CATEGORY = "nmcp";

/** Label keys set on objects nmcp creates. */
export const LABELS = {
  /** The MCPServer a pod or service belongs to. */
  server: "nmcp.nwrx.io/server",
  /** The pool of that server. */
  pool: "nmcp.nwrx.io/pool",
  /** Standard: what manages the object. */
  managedBy: "app.kubernetes.io/managed-by",
  /** Standard: the component. */
  component: "app.kubernetes.io/component",
} as const;

/** Value of the managed-by label. */
export const MANAGED_BY = "nmcp-operator";

/** Annotation keys clients use to ask the operator for things. */
export const ANNOTATIONS = {
  /** RFC 3339 time of the latest request to run the server (plugin `connect`/`start`, router). */
  requestedAt: "nmcp.nwrx.io/requested-at",
  /** RFC 3339 time of the latest explicit stop (plugin `stop`). */
  stopRequestedAt: "nmcp.nwrx.io/stop-requested-at",
  /** Hash of the pod-shaping spec, on pods, so spec changes roll the pod. */
  specHash: "nmcp.nwrx.io/spec-hash",
} as const;

/** Phases of an MCPServer. */
export const PHASES = [
  "Idle",
  "Requested",
  "Starting",
  "Ready",
  "Stopping",
  "Degraded",
  "Failed",
] as const;

/** A phase of an MCPServer. */
export type Phase = typeof PHASES[number];

/** Transports an MCP server can speak. */
export const TRANSPORTS = ["stdio", "streamable-http", "sse"] as const;

/** A transport type. */
export type TransportType = typeof TRANSPORTS[number];

/** Condition types on MCPServer and MCPPool status. */
export const CONDITIONS = {
  /** The server answers through its gateway. */
  ready: "Ready",
  /** A pod for the server is wanted (requested and admitted by its pool). */
  active: "Active",
  /** The server waits for a free slot in its pool. */
  queued: "Queued",
  /** The spec is valid and its entrypoint known. */
  configured: "Configured",
  /** Something keeps the server from working (crash loop, image error, readiness timeout). */
  degraded: "Degraded",
  /** Declared tools, prompts or resources of a server clash by name (MCPServer). */
  declaredConflict: "DeclaredConflict",
  /** The Service a declared tool or resource calls exists (MCPTool, MCPResource). */
  serviceFound: "ServiceFound",
} as const;

/** The Secret (in the operator's namespace) holding the key that derives per-server tokens. */
export const TOKEN_KEY_SECRET = "nmcp-gateway-key";

/** The ClusterRole that lets the operator read a namespace's image pull Secrets. */
export const PULL_SECRETS_ROLE = "nmcp-operator-pull-secrets";
