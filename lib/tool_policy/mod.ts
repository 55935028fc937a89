/**
 * Per-tool policy (`spec.tools`): allow/deny globs and CEL rules over the caller and the call.
 * The gateway applies it; the operator compiles it to refuse a server whose rules do not
 * compile (one environment for both, so what the operator accepts the gateway runs).
 *
 * @module
 */
export { compileToolPolicy, parseToolPolicy } from "./tool_policy.ts";
export type { CompiledToolPolicy, ToolPolicySpec } from "./tool_policy.ts";
export type { ToolRuleSpec } from "./cel_rules.ts";
export type { ToolPolicy } from "./types.ts";
