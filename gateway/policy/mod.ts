/** Per-tool policy (`spec.tools`): allow/deny globs and CEL rules over the caller and the call. */
export { compileToolPolicy, parseToolPolicy } from "./tool_policy.ts";
export type { CompiledToolPolicy, ToolPolicySpec } from "./tool_policy.ts";
export type { ToolRuleSpec } from "./cel_rules.ts";
export type { ToolPolicy } from "./types.ts";
