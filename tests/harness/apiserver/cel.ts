/**
 * `x-kubernetes-validations` rules evaluated with @marcbachmann/cel-js (`self`, `oldSelf`).
 *
 * @module
 */

import { parse } from "@marcbachmann/cel-js";
import { isObj } from "./patch.ts";
import type { StatusCause } from "./status.ts";
import { formatValue } from "./status.ts";

/** One CEL rule of a schema node. */
export interface CelRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?: string;
  optionalOldSelf?: boolean;
}

type Compiled = (ctx: Record<string, unknown>) => unknown;
const cache = new Map<string, Compiled>();

function compile(expr: string): Compiled {
  let fn = cache.get(expr);
  if (!fn) {
    fn = parse(expr) as unknown as Compiled;
    cache.set(expr, fn);
  }
  return fn;
}

/** Whether a rule reads `oldSelf` (a transition rule, skipped on create). */
export function isTransitionRule(rule: string): boolean {
  return /\boldSelf\b/.test(rule);
}

/** CEL's reserved words: a property so named is `self.__word__` in rules, as in Kubernetes. */
const RESERVED = new Set(
  ("true false null in as break const continue else for function if import let loop package " +
    "namespace return var void while").split(" "),
);

/**
 * Converts a JSON value for CEL: integers become bigint (CEL `int`); properties named like a
 * reserved word are escaped to `__word__` (k8s.io/apiserver/pkg/cel escaping).
 */
export function toCel(v: unknown, integerHint = false): unknown {
  if (typeof v === "number") return integerHint || Number.isInteger(v) ? BigInt(v) : v;
  if (Array.isArray(v)) return v.map((x) => toCel(x));
  if (isObj(v)) {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) out[RESERVED.has(k) ? `__${k}__` : k] = toCel(x);
    return out;
  }
  return v;
}

const PREFIX: Record<string, string> = {
  FieldValueRequired: "Required value",
  FieldValueForbidden: "Forbidden",
  FieldValueDuplicate: "Duplicate value",
};

function causeFor(r: CelRule, field: string, type: string, message: string): StatusCause {
  const path = r.fieldPath ? field + r.fieldPath : field;
  const reason = r.reason ?? "FieldValueInvalid";
  const prefix = PREFIX[reason];
  // Kubernetes reports the schema type of `self` as the invalid value (fieldErrorForReason).
  const text = prefix ? `${prefix}: ${message}` : `Invalid value: ${formatValue(type)}: ${message}`;
  return { reason, message: text, field: path };
}

/**
 * Evaluates rules for one value at `field`. `old` is the correlated old value (undefined on
 * create or when it cannot be correlated): transition rules are then skipped. `type` is the
 * schema type of the value, reported as the invalid value like Kubernetes does.
 */
export function evaluateRules(
  rules: CelRule[],
  field: string,
  value: unknown,
  old: unknown,
  type = "",
): StatusCause[] {
  const causes: StatusCause[] = [];
  const ctx = { self: toCel(value), oldSelf: toCel(old) };
  for (const r of rules) {
    if (isTransitionRule(r.rule) && old === undefined && !r.optionalOldSelf) continue;
    let ok: unknown;
    try {
      ok = compile(r.rule)(ctx);
    } catch (e) {
      const msg = e instanceof Error ? e.message : String(e);
      causes.push({
        reason: "FieldValueInvalid",
        message: `Invalid value: ${formatValue(value)}: rule evaluation error: ${msg}`,
        field,
      });
      continue;
    }
    if (ok === true) continue;
    let message = r.message ?? `failed rule: ${r.rule}`;
    if (r.messageExpression) {
      try {
        const m = compile(r.messageExpression)(ctx);
        if (typeof m === "string" && m !== "") message = m;
      } catch {
        // Kubernetes falls back to message (or the rule) when messageExpression fails.
      }
    }
    causes.push(causeFor(r, field, type, message));
  }
  return causes;
}
