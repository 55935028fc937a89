/**
 * A small schema DSL: one value describes a field's OpenAPI v3 (structural) schema, and its
 * TypeScript type is inferred from the same value, so the CRDs and the TS types can never
 * disagree.
 */

/** A Kubernetes CEL validation rule (`x-kubernetes-validations` entry). */
export interface CelRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  fieldPath?: string;
  reason?:
    | "FieldValueInvalid"
    | "FieldValueForbidden"
    | "FieldValueRequired"
    | "FieldValueDuplicate";
}

/** The subset of JSONSchemaProps (apiextensions.k8s.io/v1) that nmcp schemas use. */
export interface OpenApiSchema {
  type?: "object" | "array" | "string" | "integer" | "number" | "boolean";
  description?: string;
  format?: string;
  enum?: readonly (string | number)[];
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  maxItems?: number;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  items?: OpenApiSchema;
  additionalProperties?: OpenApiSchema;
  "x-kubernetes-int-or-string"?: true;
  "x-kubernetes-preserve-unknown-fields"?: true;
  "x-kubernetes-list-type"?: "atomic" | "set" | "map";
  "x-kubernetes-list-map-keys"?: string[];
  "x-kubernetes-validations"?: CelRule[];
}

/** A schema value carrying the TypeScript type `T` it describes. */
export interface Schema<T> {
  readonly openapi: OpenApiSchema;
  /** Phantom field: never set, only carries `T` for {@linkcode Infer}. */
  readonly __type?: T;
}

/** The TypeScript type described by a schema. */
export type Infer<S> = S extends Schema<infer T> ? T : never;

/** Options every builder accepts. */
export interface Common<T> {
  description?: string;
  default?: T;
  validations?: CelRule[];
}

function make<T>(openapi: OpenApiSchema, opts: Common<unknown> = {}): Schema<T> {
  const out: OpenApiSchema = { ...openapi };
  if (opts.description) out.description = opts.description;
  if (opts.default !== undefined) out.default = opts.default;
  if (opts.validations?.length) out["x-kubernetes-validations"] = opts.validations;
  return { openapi: out };
}

/** A string field. */
export function string(
  opts: Common<string> & {
    minLength?: number;
    maxLength?: number;
    pattern?: string;
    format?: "date-time" | "byte";
  } = {},
): Schema<string> {
  const { description: _d, default: _f, validations: _v, ...rest } = opts;
  return make({ type: "string", ...rest }, opts);
}

/** A string field restricted to the given values. */
export function enumOf<const V extends readonly string[]>(
  values: V,
  opts: Common<V[number]> = {},
): Schema<V[number]> {
  return make({ type: "string", enum: values }, opts);
}

/** An integer field (int32 unless `format` says int64). */
export function integer(
  opts: Common<number> & { minimum?: number; maximum?: number; format?: "int32" | "int64" } = {},
): Schema<number> {
  const { description: _d, default: _f, validations: _v, format, ...rest } = opts;
  return make({ type: "integer", format: format ?? "int32", ...rest }, opts);
}

/** A boolean field. */
export function boolean(opts: Common<boolean> = {}): Schema<boolean> {
  return make({ type: "boolean" }, opts);
}

/** An integer or a string (quantities such as `500m`; `pattern`/`maxLength` bind strings only). */
export function intOrString(
  opts: Common<number | string> & { pattern?: string; maxLength?: number } = {},
): Schema<number | string> {
  const { description: _d, default: _f, validations: _v, ...rest } = opts;
  return make({ "x-kubernetes-int-or-string": true, ...rest }, opts);
}

/** An array of items; `mapKeys` makes it a list-map keyed by those fields. */
export function array<T>(
  items: Schema<T>,
  opts: Common<T[]> & { maxItems?: number; mapKeys?: string[]; set?: boolean } = {},
): Schema<T[]> {
  const openapi: OpenApiSchema = { type: "array", items: items.openapi };
  if (opts.maxItems !== undefined) openapi.maxItems = opts.maxItems;
  if (opts.mapKeys) {
    openapi["x-kubernetes-list-type"] = "map";
    openapi["x-kubernetes-list-map-keys"] = opts.mapKeys;
  } else if (opts.set) openapi["x-kubernetes-list-type"] = "set";
  return make(openapi, opts);
}

/** A map from string keys to values of one schema. */
export function record<T>(values: Schema<T>, opts: Common<Record<string, T>> = {}) {
  return make<Record<string, T>>({ type: "object", additionalProperties: values.openapi }, opts);
}

/** An object whose content is kept as is (no schema below it). */
export function opaque<T = Record<string, unknown>>(opts: Common<T> = {}): Schema<T> {
  return make({ type: "object", "x-kubernetes-preserve-unknown-fields": true }, opts);
}

type Fields = Record<string, Schema<unknown>>;
type Simplify<T> = { [K in keyof T]: T[K] } & unknown;
type ObjectType<P extends Fields, R extends keyof P> = Simplify<
  & { [K in R]: Infer<P[K]> }
  & { [K in Exclude<keyof P, R>]?: Infer<P[K]> }
>;

/**
 * An object with known properties; `required` lists the ones that must be present, and
 * `preserveUnknown` keeps other properties as they are (a JSON Schema document, say).
 */
export function object<P extends Fields, const R extends keyof P & string = never>(
  properties: P,
  opts: Common<ObjectType<P, R>> & { required?: readonly R[]; preserveUnknown?: boolean } = {},
): Schema<ObjectType<P, R>> {
  const props: Record<string, OpenApiSchema> = {};
  for (const [k, v] of Object.entries(properties)) props[k] = v.openapi;
  const openapi: OpenApiSchema = { type: "object", properties: props };
  if (opts.required?.length) openapi.required = [...opts.required];
  if (opts.preserveUnknown) openapi["x-kubernetes-preserve-unknown-fields"] = true;
  return make(openapi, opts);
}
