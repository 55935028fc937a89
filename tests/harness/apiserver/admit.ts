/**
 * Admission of a write: CR schema defaulting, pruning (with fieldValidation) and validation,
 * built-in validation, and metadata rules, ending in a 422 Invalid or a 400.
 *
 * @module
 */

import { immutableCauses, metadataCauses } from "./meta_validation.ts";
import { meta, nameCauses, pathSegmentNameCauses } from "./objects.ts";
import type { Obj } from "./patch.ts";
import type { ResourceType } from "./resources.ts";
import { applyDefaults, prune, rootCauses } from "./schema.ts";
import { checkDecodable } from "./decode.ts";
import { validateBuiltin } from "./strategy.ts";
import { ApiError, invalid, requiredCause, type StatusCause } from "./status.ts";

/** How unknown fields are treated (the `fieldValidation` query parameter). */
export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** Parses `fieldValidation`; the server default is Warn. */
export function parseFieldValidation(v: string | null): FieldValidation {
  if (v === null || v === "") return "Warn";
  if (v === "Strict" || v === "Warn" || v === "Ignore") return v;
  throw new ApiError(
    400,
    "BadRequest",
    `fieldValidation parameter unsupported: ${v}. Supported values are: Ignore, Warn, Strict`,
  );
}

function unknownFieldsError(rt: ResourceType, unknown: string[]): ApiError {
  const list = unknown.map((u) => `unknown field "${u}"`).join(", ");
  return new ApiError(
    400,
    "BadRequest",
    `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: strict decoding error: ${list}`,
  );
}

/**
 * Prunes the fields `rt`'s structural schema does not declare from `obj` (mutated), as the
 * API server does: Strict refuses them (400), Warn returns one warning each, Ignore is silent.
 */
export function pruneUnknown(rt: ResourceType, obj: Obj, validation: FieldValidation): string[] {
  const schema = rt.crd?.schema;
  if (!schema) return [];
  const unknown = prune(schema, obj);
  if (unknown.length && validation === "Strict") throw unknownFieldsError(rt, unknown);
  return validation === "Warn" ? unknown.map((u) => `unknown field "${u}"`) : [];
}

function finalizerCauses(obj: Obj, old: Obj | undefined): StatusCause[] {
  const om = old ? meta(old) : undefined;
  if (!om?.deletionTimestamp) return [];
  const before = new Set((om.finalizers as string[] | undefined) ?? []);
  const added = ((meta(obj).finalizers as string[] | undefined) ?? []).filter((f) =>
    !before.has(f)
  );
  if (added.length === 0) return [];
  return [{
    reason: "FieldValueForbidden",
    message:
      `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{${
        added.map((f) => JSON.stringify(f)).join(", ")
      }}`,
    field: "metadata.finalizers",
  }];
}

/**
 * Runs admission on `obj` (mutated: defaults, pruning). Returns warnings; throws 400 for
 * undecodable bodies or strict unknown fields, and 422 Invalid with every field cause.
 */
export function admit(
  rt: ResourceType,
  obj: Obj,
  old: Obj | undefined,
  validation: FieldValidation,
): string[] {
  checkDecodable(rt, obj);
  const warnings: string[] = [];
  const m = meta(obj);
  const name = String(m.name ?? "");
  const causes: StatusCause[] = [];
  if (!old) {
    const label = rt.kind === "Namespace" || rt.kind === "Service";
    const rbac = !rt.crd && rt.group === "rbac.authorization.k8s.io";
    causes.push(
      ...(!name
        ? [requiredCause("metadata.name", "name or generateName is required")]
        : rbac
        ? pathSegmentNameCauses(name)
        : nameCauses(name, label && !rt.crd)),
    );
  }
  causes.push(...metadataCauses(m));
  if (old) causes.push(...immutableCauses(rt, old, obj));
  causes.push(...finalizerCauses(obj, old));
  const schema = rt.crd?.schema;
  if (schema) {
    applyDefaults(schema, obj);
    warnings.push(...pruneUnknown(rt, obj, validation));
    causes.push(...rootCauses(schema, obj, old));
  } else if (!rt.crd) {
    causes.push(...validateBuiltin(rt, obj));
  }
  if (causes.length) throw invalid(rt, name, causes);
  return warnings;
}
