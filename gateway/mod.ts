/**
 * The nmcp gateway: a sidecar that fronts one MCP server (stdio child, FIFO pair, Streamable
 * HTTP or legacy SSE upstream, or only declared tools, prompts and resources) and serves many
 * isolated client sessions over every MCP HTTP transport era, with security checks, readiness,
 * metrics and an activity report.
 */
export { createGateway } from "./server.ts";
export type { Gateway, GatewayOptions, UpstreamSpec } from "./server.ts";
export type { Activity } from "./activity.ts";
export { GatewayMetrics } from "./metrics.ts";
export { ANONYMOUS_CALLER, LOCAL_CALLER, TOKEN_CALLER } from "./security/mod.ts";
export { parseDeclared } from "./declared/mod.ts";
export type { Declared, ParseResult } from "./declared/mod.ts";
