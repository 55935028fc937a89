/**
 * The CEL environment of `spec.tools.rules`: `caller` {username, groups, source} and `tool`
 * {name, arguments}. The operator checks rules with it (a rule that does not compile to bool
 * marks the server Configured=False); the gateway evaluates them in the same environment.
 *
 * @module
 */

import { Environment } from "@marcbachmann/cel-js";

/** The CEL environment tool rules are checked and evaluated in. */
export function toolRuleEnvironment(): Environment {
  return new Environment()
    .registerVariable({
      name: "caller",
      schema: { username: "string", groups: "list<string>", source: "string" },
    })
    .registerVariable({ name: "tool", schema: { name: "string", arguments: "map<string, dyn>" } });
}

let shared: Environment | undefined;

/** Why a rule expression is unusable (parse or type error, or not bool), or undefined. */
export function checkToolRule(expression: string): string | undefined {
  shared ??= toolRuleEnvironment();
  const r = shared.check(expression);
  if (!r.valid) return (r.error?.message ?? "invalid expression").split("\n")[0];
  if (r.type !== "bool" && r.type !== "dyn") return `returns ${r.type}, not bool`;
  return undefined;
}
