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
/** Verdicts by expression (planners check the same rules on every reconcile). */
const verdicts = new Map<string, string | undefined>();

/** Why a rule expression is unusable (parse or type error, or not bool), or undefined. */
export function checkToolRule(expression: string): string | undefined {
  if (verdicts.has(expression)) return verdicts.get(expression);
  shared ??= toolRuleEnvironment();
  const r = shared.check(expression);
  const why = !r.valid
    ? (r.error?.message ?? "invalid expression").split("\n")[0]
    : r.type !== "bool" && r.type !== "dyn"
    ? `returns ${r.type}, not bool`
    : undefined;
  if (verdicts.size >= 1000) verdicts.clear();
  verdicts.set(expression, why);
  return why;
}
