/**
 * Structural OpenAPI v3 schemas of CRDs: defaulting, pruning and validation, with messages
 * worded like the Kubernetes API server.
 *
 * @module
 */

import { type CelRule, evaluateRules } from "./cel.ts";
import { clone, isObj, type Obj } from "./patch.ts";
import { formatValue, type StatusCause } from "./status.ts";

/** A structural schema node (the subset of JSONSchemaProps CRDs use). */
export interface Schema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  nullable?: boolean;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: boolean;
  exclusiveMaximum?: boolean;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  minItems?: number;
  maxItems?: number;
  minProperties?: number;
  maxProperties?: number;
  "x-kubernetes-int-or-string"?: boolean;
  "x-kubernetes-preserve-unknown-fields"?: boolean;
  "x-kubernetes-embedded-resource"?: boolean;
  "x-kubernetes-validations"?: CelRule[];
  "x-kubernetes-list-type"?: string;
  "x-kubernetes-list-map-keys"?: string[];
}

/** The schema of a child: a property, a map value or a list item. */
function childSchema(s: Schema, key: string | number): Schema | undefined {
  if (typeof key === "number") return s.items;
  if (s.properties?.[key]) return s.properties[key];
  if (isObj(s.additionalProperties)) return s.additionalProperties as Schema;
  return undefined;
}

/** Fills absent properties that have a `default`, depth first (mutates `v`). */
export function applyDefaults(s: Schema, v: unknown): void {
  if (Array.isArray(v)) {
    if (s.items) { for (const x of v) applyDefaults(s.items, x); }
    return;
  }
  if (!isObj(v)) return;
  for (const [k, ps] of Object.entries(s.properties ?? {})) {
    if (v[k] === undefined && ps.default !== undefined) v[k] = clone(ps.default);
    if (v[k] !== undefined) applyDefaults(ps, v[k]);
  }
  if (isObj(s.additionalProperties)) {
    for (const [k, x] of Object.entries(v)) {
      if (!s.properties?.[k]) applyDefaults(s.additionalProperties as Schema, x);
    }
  }
}

/**
 * Removes fields the schema does not declare (unless x-kubernetes-preserve-unknown-fields)
 * and returns their paths (`spec.foo`). `metadata` at the root is left alone.
 */
export function prune(s: Schema, v: unknown, path = "", root = true): string[] {
  const out: string[] = [];
  if (Array.isArray(v)) {
    if (s.items) v.forEach((x, i) => out.push(...prune(s.items!, x, `${path}[${i}]`, false)));
    return out;
  }
  if (!isObj(v)) return out;
  const preserve = s["x-kubernetes-preserve-unknown-fields"] === true;
  for (const k of Object.keys(v)) {
    const p = path ? `${path}.${k}` : k;
    if (root && (k === "apiVersion" || k === "kind" || k === "metadata")) continue;
    if (s["x-kubernetes-embedded-resource"] && ["apiVersion", "kind", "metadata"].includes(k)) {
      continue;
    }
    const cs = childSchema(s, k);
    if (cs) out.push(...prune(cs, v[k], p, false));
    else if (!preserve && s.additionalProperties !== true) {
      delete v[k];
      out.push(p);
    }
  }
  return out;
}

function typeName(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "array";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

function typeOk(s: Schema, v: unknown): boolean {
  if (s["x-kubernetes-int-or-string"]) {
    return typeof v === "string" || (typeof v === "number" && Number.isInteger(v));
  }
  if (v === null) return s.nullable === true || !s.type;
  switch (s.type) {
    case undefined:
      return true;
    case "integer":
      return typeof v === "number" && Number.isInteger(v);
    case "number":
      return typeof v === "number";
    case "array":
      return Array.isArray(v);
    case "object":
      return isObj(v);
    case "string":
      return typeof v === "string";
    case "boolean":
      return typeof v === "boolean";
    default:
      return true;
  }
}

function inBody(field: string, rest: string): string {
  return `${field} in body ${rest}`;
}

function scalarCauses(s: Schema, field: string, v: unknown): StatusCause[] {
  const c: StatusCause[] = [];
  const bad = (m: string) =>
    c.push({
      reason: "FieldValueInvalid",
      message: `Invalid value: ${formatValue(v)}: ${m}`,
      field,
    });
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    const list = s.enum.map((e) => JSON.stringify(e)).join(", ");
    c.push({
      reason: "FieldValueNotSupported",
      message: `Unsupported value: ${formatValue(v)}: supported values: ${list}`,
      field,
    });
  }
  if (typeof v === "number") {
    if (s.minimum !== undefined && (s.exclusiveMinimum ? v <= s.minimum : v < s.minimum)) {
      const op = s.exclusiveMinimum ? "greater than" : "greater than or equal to";
      bad(inBody(field, `should be ${op} ${s.minimum}`));
    }
    if (s.maximum !== undefined && (s.exclusiveMaximum ? v >= s.maximum : v > s.maximum)) {
      const op = s.exclusiveMaximum ? "less than" : "less than or equal to";
      bad(inBody(field, `should be ${op} ${s.maximum}`));
    }
    if (s.format === "int32" && (v > 2147483647 || v < -2147483648)) {
      bad(inBody(field, "should be a valid int32"));
    }
  }
  if (typeof v === "string") {
    const len = [...v].length;
    if (s.minLength !== undefined && len < s.minLength) {
      bad(inBody(field, `should be at least ${s.minLength} chars long`));
    }
    if (s.maxLength !== undefined && len > s.maxLength) {
      c.push({
        reason: "FieldValueTooLong",
        message: `Too long: may not be more than ${s.maxLength} bytes`,
        field,
      });
    }
    if (s.pattern !== undefined && !new RegExp(s.pattern, "u").test(v)) {
      bad(inBody(field, `should match '${s.pattern}'`));
    }
    if (s.format === "date-time" && Number.isNaN(Date.parse(v))) {
      bad(inBody(field, "must be of type date-time"));
    }
  }
  return c;
}

function collectionCauses(s: Schema, field: string, v: unknown): StatusCause[] {
  const c: StatusCause[] = [];
  if (Array.isArray(v)) {
    if (s.maxItems !== undefined && v.length > s.maxItems) {
      c.push({
        reason: "FieldValueTooMany",
        message: `Too many: ${v.length}: must have at most ${s.maxItems} items`,
        field,
      });
    }
    if (s.minItems !== undefined && v.length < s.minItems) {
      c.push({
        reason: "FieldValueInvalid",
        message: `Invalid value: ${v.length}: ${
          inBody(field, `should have at least ${s.minItems} items`)
        }`,
        field,
      });
    }
    c.push(...duplicateCauses(s, field, v));
  }
  if (isObj(v)) {
    for (const r of s.required ?? []) {
      if (v[r] === undefined) {
        c.push({ reason: "FieldValueRequired", message: "Required value", field: join(field, r) });
      }
    }
  }
  return c;
}

/** Go's `%#v` of a list-map key, as Kubernetes prints duplicate keys. */
function goMapKey(item: unknown, keys: string[]): string {
  const parts = keys.map((k) =>
    `${JSON.stringify(k)}:${JSON.stringify(isObj(item) ? item[k] : null)}`
  );
  return `map[string]interface {}{${parts.join(", ")}}`;
}

/** `Duplicate value` causes for x-kubernetes-list-type map (by keys) and set lists. */
function duplicateCauses(s: Schema, field: string, v: unknown[]): StatusCause[] {
  const type = s["x-kubernetes-list-type"];
  const keys = s["x-kubernetes-list-map-keys"] ?? [];
  if (type !== "map" && type !== "set") return [];
  const seen = new Set<string>();
  const out: StatusCause[] = [];
  v.forEach((item, i) => {
    const id = type === "map"
      ? JSON.stringify(keys.map((k) => isObj(item) ? item[k] : null))
      : JSON.stringify(item);
    if (!seen.has(id)) return void seen.add(id);
    const shown = type === "map" ? goMapKey(item, keys) : formatValue(item);
    out.push({
      reason: "FieldValueDuplicate",
      message: `Duplicate value: ${shown}`,
      field: join(field, i),
    });
  });
  return out;
}

function join(field: string, key: string | number): string {
  if (typeof key === "number") return `${field}[${key}]`;
  return field ? `${field}.${key}` : key;
}

/** The old list item matching `item` by the list-map keys (undefined when none). */
function oldItem(s: Schema, old: unknown, item: unknown): unknown {
  if (!Array.isArray(old)) return undefined;
  const keys = s["x-kubernetes-list-map-keys"];
  if (s["x-kubernetes-list-type"] === "map" && keys && isObj(item)) {
    return old.find((o) => isObj(o) && keys.every((k) => o[k] === item[k]));
  }
  return undefined;
}

/**
 * Validates a value against a schema, CEL rules included. `old` is the previous value at the
 * same place (undefined on create). Returns the causes, in Kubernetes' order and wording.
 */
export function validate(s: Schema, v: unknown, old: unknown, field = ""): StatusCause[] {
  if (v === undefined) return [];
  if (!typeOk(s, v)) {
    const want = s["x-kubernetes-int-or-string"] ? "integer,string" : s.type;
    const t = typeName(v);
    return [{
      reason: "FieldValueTypeInvalid",
      message: `Invalid value: "${t}": ${inBody(field, `must be of type ${want}: "${t}"`)}`,
      field,
    }];
  }
  if (v === null) return [];
  const causes = [...scalarCauses(s, field, v), ...collectionCauses(s, field, v)];
  if (Array.isArray(v) && s.items) {
    v.forEach((x, i) => causes.push(...validate(s.items!, x, oldItem(s, old, x), join(field, i))));
  } else if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      const cs = childSchema(s, k);
      if (cs) causes.push(...validate(cs, x, isObj(old) ? old[k] : undefined, join(field, k)));
    }
  }
  const rules = s["x-kubernetes-validations"];
  if (rules?.length && causes.length === 0) {
    causes.push(...evaluateRules(rules, field, v, old, s.type ?? ""));
  }
  return causes;
}

/** Validates a whole CR against its version's schema, `apiVersion`/`kind`/`metadata` aside. */
export function rootCauses(s: Schema, obj: Obj, old: Obj | undefined): StatusCause[] {
  const body: Obj = { ...obj };
  delete body.metadata;
  delete body.apiVersion;
  delete body.kind;
  const oldBody: Obj | undefined = old ? { ...old } : undefined;
  if (oldBody) delete oldBody.metadata;
  const rs: Schema = { ...s, properties: { ...s.properties } };
  delete rs.properties!.metadata;
  delete rs.properties!.apiVersion;
  delete rs.properties!.kind;
  rs.required = s.required?.filter((r) => !["metadata", "apiVersion", "kind"].includes(r));
  return validate(rs, body, oldBody);
}
