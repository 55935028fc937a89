/**
 * `spec.tools` compiled into a {@linkcode ToolPolicy}: allow globs (absent or empty = every
 * tool), deny globs (win over allow) and CEL rules that must all return true for a call.
 * `tools/list` hides a tool the globs refuse, or that a rule refuses for the caller with no
 * arguments (a rule that cannot decide without arguments leaves it listed); `tools/call`
 * refuses when a glob or any rule does, and a rule that errors or returns a non-bool refuses.
 */
import type { Caller } from "../caller.ts";
import { type CompiledRule, compileRule, toCel, type ToolRuleSpec } from "./cel_rules.ts";
import { GlobList } from "../glob.ts";
import type { ToolPolicy } from "./types.ts";

/** The `spec.tools` shape: `{ allow?, deny?, rules? }`. */
export interface ToolPolicySpec {
  allow?: string[];
  deny?: string[];
  rules?: ToolRuleSpec[];
}

/** Result of {@linkcode compileToolPolicy}. */
export type CompiledToolPolicy =
  | { ok: true; policy: ToolPolicy }
  | { ok: false; errors: string[] };

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function stringList(v: unknown, field: string, errors: string[]): string[] {
  if (v === undefined) return [];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v;
  errors.push(`Cannot read tool policy ${field}: expected a list of strings`);
  return [];
}

function rulesOf(v: unknown, errors: string[]): CompiledRule[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) {
    errors.push("Cannot read tool policy rules: expected a list of {expression, message?}");
    return [];
  }
  const out: CompiledRule[] = [];
  v.forEach((r, i) => {
    const ok = isObject(r) && typeof r.expression === "string" &&
      (r.message === undefined || typeof r.message === "string");
    if (!ok) {
      return void errors.push(
        `Cannot read tool policy rules[${i}]: expected {expression, message?}`,
      );
    }
    const c = compileRule(r as unknown as ToolRuleSpec, i);
    if (typeof c === "string") errors.push(c);
    else out.push(c);
  });
  return out;
}

const quoted = (globs: string[]) => globs.map((g) => JSON.stringify(g)).join(", ");

class CompiledPolicy implements ToolPolicy {
  #allow: GlobList;
  #deny: GlobList;
  #rules: CompiledRule[];

  constructor(allow: string[], deny: string[], rules: CompiledRule[]) {
    this.#allow = new GlobList(allow);
    this.#deny = new GlobList(deny);
    this.#rules = rules;
  }

  /** Why the globs refuse `name`; null when they allow it. */
  #globs(name: string): string | null {
    const denied = this.#deny.match(name);
    if (denied !== undefined) return `deny: ${JSON.stringify(denied)}`;
    if (this.#allow.globs.length === 0 || this.#allow.match(name) !== undefined) return null;
    return `allow: ${quoted(this.#allow.globs)}`;
  }

  checkCall(caller: Caller, name: unknown, args: unknown): string | null {
    if (typeof name !== "string") return "Tool name must be a string";
    const why = this.#globs(name) ?? this.#ruleRefusal(caller, name, args ?? {}, false);
    return why === null
      ? null
      : `Tool "${name}" is not allowed by the server's tool policy (${why})`;
  }

  shows(caller: Caller, name: unknown): boolean {
    if (typeof name !== "string") return false;
    return this.#globs(name) === null && this.#ruleRefusal(caller, name, {}, true) === null;
  }

  /** The first rule refusing the call; `listing`: only a rule that returns false refuses. */
  #ruleRefusal(caller: Caller, name: string, args: unknown, listing: boolean): string | null {
    if (this.#rules.length === 0) return null;
    const vars = {
      caller: {
        username: caller.username,
        uid: caller.uid ?? "",
        groups: caller.groups,
        source: caller.source,
      },
      tool: { name, arguments: toCel(args) },
    };
    for (const rule of this.#rules) {
      const out = rule.evaluate(vars);
      if (out === true || (listing && out !== false)) continue;
      return out === false ? rule.label : out;
    }
    return null;
  }
}

/** Validates and compiles `spec.tools` (pure): the policy, or every error found. */
export function compileToolPolicy(spec: unknown): CompiledToolPolicy {
  if (!isObject(spec)) {
    return {
      ok: false,
      errors: ["Cannot read tool policy: expected an object {allow?, deny?, rules?}"],
    };
  }
  const errors: string[] = [];
  for (const k of Object.keys(spec)) {
    if (k !== "allow" && k !== "deny" && k !== "rules") {
      errors.push(`Cannot read tool policy: unknown field "${k}"`);
    }
  }
  const allow = stringList(spec.allow, "allow", errors);
  const deny = stringList(spec.deny, "deny", errors);
  const rules = rulesOf(spec.rules, errors);
  if (errors.length > 0) return { ok: false, errors };
  return { ok: true, policy: new CompiledPolicy(allow, deny, rules) };
}

/** Parses `--tools-policy` JSON text and compiles it. */
export function parseToolPolicy(text: string): CompiledToolPolicy {
  let spec: unknown;
  try {
    spec = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`Cannot parse tool policy: ${(err as Error).message}`] };
  }
  return compileToolPolicy(spec);
}
