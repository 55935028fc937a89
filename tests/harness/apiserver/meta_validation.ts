/**
 * Validation of label keys and values, annotation keys, and the fields Kubernetes makes
 * immutable after create (pod spec, deployment selector, service clusterIP).
 *
 * @module
 */

import { deepEqual } from "./objects.ts";
import { clone, isObj, type Obj } from "./patch.ts";
import type { ResourceType } from "./resources.ts";
import { formatValue, invalidCause, type StatusCause } from "./status.ts";

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Causes for a qualified name (`prefix/name`) used as a label or annotation key. */
export function qualifiedNameCauses(key: string, field: string): StatusCause[] {
  const parts = key.split("/");
  const name = parts.length === 2 ? parts[1] : parts[0];
  if (parts.length > 2) {
    return [
      invalidCause(
        field,
        key,
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ),
    ];
  }
  const out: StatusCause[] = [];
  if (parts.length === 2 && (!SUBDOMAIN.test(parts[0]) || parts[0].length > 253)) {
    out.push(
      invalidCause(
        field,
        key,
        "prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    );
  }
  if (name.length === 0) out.push(invalidCause(field, key, "name part must be non-empty"));
  else if (name.length > 63) {
    out.push(invalidCause(field, key, "name part must be no more than 63 characters"));
  } else if (!NAME_PART.test(name)) {
    out.push(
      invalidCause(
        field,
        key,
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ),
    );
  }
  return out;
}

/** Causes for metadata.labels and the keys of metadata.annotations. */
export function metadataCauses(m: Obj): StatusCause[] {
  const out: StatusCause[] = [];
  for (const k of ["labels", "annotations"]) {
    if (m[k] !== undefined && m[k] !== null && !isObj(m[k])) {
      out.push({
        reason: "FieldValueInvalid",
        message: "Invalid value: must be a map",
        field: `metadata.${k}`,
      });
    }
  }
  for (const [k, v] of Object.entries(isObj(m.labels) ? m.labels : {})) {
    out.push(...qualifiedNameCauses(k, "metadata.labels"));
    const s = String(v);
    if (s.length > 63) {
      out.push(invalidCause("metadata.labels", s, "must be no more than 63 characters"));
    } else if (!LABEL_VALUE.test(s)) {
      out.push(
        invalidCause(
          "metadata.labels",
          s,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
    }
  }
  for (const k of Object.keys(isObj(m.annotations) ? m.annotations : {})) {
    out.push(...qualifiedNameCauses(k.toLowerCase(), "metadata.annotations"));
  }
  return out;
}

const POD_UPDATE_FORBIDDEN =
  "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

function mutablePodFieldsCleared(spec: unknown, oldNodeName: unknown): Obj {
  const s = clone(isObj(spec) ? spec : {});
  for (const list of ["containers", "initContainers"]) {
    for (const c of Array.isArray(s[list]) ? s[list] as Obj[] : []) delete c.image;
  }
  delete s.activeDeadlineSeconds;
  delete s.tolerations;
  delete s.terminationGracePeriodSeconds;
  delete s.schedulingGates;
  if (!oldNodeName) delete s.nodeName;
  return s;
}

/** Causes for changes to fields that are immutable after create. */
export function immutableCauses(rt: ResourceType, old: Obj, next: Obj): StatusCause[] {
  if (rt.crd) return [];
  const os = (old.spec ?? {}) as Obj;
  const ns = (next.spec ?? {}) as Obj;
  if (rt.kind === "Pod") {
    const a = mutablePodFieldsCleared(os, os.nodeName);
    const b = mutablePodFieldsCleared(ns, os.nodeName);
    return deepEqual(a, b)
      ? []
      : [{ reason: "FieldValueForbidden", message: POD_UPDATE_FORBIDDEN, field: "spec" }];
  }
  const immutable = (field: string, a: unknown, b: unknown): StatusCause[] =>
    a === undefined || deepEqual(a, b) ? [] : [{
      reason: "FieldValueInvalid",
      message: `Invalid value: ${formatValue(b)}: field is immutable`,
      field,
    }];
  if (rt.kind === "Deployment") return immutable("spec.selector", os.selector, ns.selector);
  if (rt.kind === "Service" && ns.clusterIP !== undefined && ns.clusterIP !== "") {
    return immutable("spec.clusterIPs[0]", os.clusterIP, ns.clusterIP);
  }
  return [];
}
