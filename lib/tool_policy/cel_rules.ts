/**
 * CEL rules of a tool policy, compiled with @marcbachmann/cel-js over two variables:
 * `caller` {username, uid, groups, source} and `tool` {name, arguments}.
 */
import { Environment } from "@marcbachmann/cel-js";

/** One rule of `spec.tools.rules`. */
export interface ToolRuleSpec {
  expression: string;
  message?: string;
}

/** A compiled rule: `evaluate` returns true, false, or a string saying why it failed. */
export interface CompiledRule {
  label: string;
  evaluate(vars: Record<string, unknown>): true | false | string;
}

const env = new Environment({ unlistedVariablesAreDyn: false })
  .registerVariable({
    name: "caller",
    schema: { username: "string", uid: "string", groups: "list<string>", source: "string" },
  })
  .registerVariable({ name: "tool", schema: { name: "string", arguments: "map<string, dyn>" } });

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split("\n")[0];

/** Compiles one rule; a string is the one-line reason it does not compile. */
export function compileRule(rule: ToolRuleSpec, index: number): CompiledRule | string {
  const where = `Cannot compile tool policy rules[${index}] "${rule.expression}"`;
  let fn: (vars: Record<string, unknown>) => unknown;
  try {
    const checked = env.check(rule.expression);
    if (!checked.valid) return `${where}: ${firstLine(checked.error)}`;
    if (checked.type !== "bool" && checked.type !== "dyn") {
      return `${where}: returns ${checked.type}, not bool`;
    }
    fn = env.parse(rule.expression) as unknown as typeof fn;
  } catch (err) {
    return `${where}: ${firstLine(err)}`;
  }
  const label = `rules[${index}]: ${rule.message ?? rule.expression}`;
  return {
    label,
    evaluate(vars) {
      let out: unknown;
      try {
        out = fn(vars);
      } catch (err) {
        return `rules[${index}] failed: ${firstLine(err)}`;
      }
      if (typeof out === "boolean") return out;
      return `rules[${index}] returned ${out === null ? "null" : typeof out}, not bool`;
    },
  };
}

/** Converts a JSON value for CEL: integral numbers become `int` (bigint), like Kubernetes. */
export function toCel(v: unknown): unknown {
  if (typeof v === "number") return Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map(toCel);
  if (typeof v === "object" && v !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[k] = toCel(x);
    return out;
  }
  return v;
}
