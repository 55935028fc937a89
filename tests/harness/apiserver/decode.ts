/**
 * Checks that Go's JSON decoding would do on a request body: the 400s Kubernetes answers
 * before validation (MicroTimes with 6 digits, string maps, base64 secret data).
 *
 * @module
 */

import { isObj, type Obj } from "./patch.ts";
import type { ResourceType } from "./resources.ts";
import { ApiError } from "./status.ts";

const MICRO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}(Z|[+-]\d\d:\d\d)$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** MicroTime fields (dotted paths) of built-in kinds. */
const MICRO_FIELDS: Record<string, string[]> = {
  Lease: ["spec.acquireTime", "spec.renewTime"],
  Event: ["eventTime", "series.lastObservedTime"],
};

function at(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const p of path.split(".")) cur = isObj(cur) ? cur[p] : undefined;
  return cur;
}

function fail(rt: ResourceType, detail: string): never {
  throw new ApiError(
    400,
    "BadRequest",
    `${rt.kind} in version "${rt.version}" cannot be handled as a ${rt.kind}: ${detail}`,
  );
}

function goType(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  return typeof v === "object" ? "object" : typeof v === "boolean" ? "bool" : typeof v;
}

function stringMap(rt: ResourceType, v: unknown, goField: string): void {
  if (v === undefined || v === null) return;
  if (!isObj(v)) {
    fail(
      rt,
      `json: cannot unmarshal ${
        goType(v)
      } into Go struct field ${goField} of type map[string]string`,
    );
  }
  for (const x of Object.values(v)) {
    if (typeof x !== "string") {
      fail(
        rt,
        `json: cannot unmarshal ${goType(x)} into Go struct field ${goField} of type string`,
      );
    }
  }
}

/** Throws the 400 Kubernetes gives for a body its Go types cannot decode. */
export function checkDecodable(rt: ResourceType, obj: Obj): void {
  const meta = isObj(obj.metadata) ? obj.metadata : {};
  stringMap(rt, meta.labels, "ObjectMeta.metadata.labels");
  stringMap(rt, meta.annotations, "ObjectMeta.metadata.annotations");
  if (rt.crd) return;
  for (const f of MICRO_FIELDS[rt.kind] ?? []) {
    const v = at(obj, f);
    if (v === undefined || v === null) continue;
    if (typeof v !== "string" || !MICRO.test(v)) {
      fail(
        rt,
        `parsing time ${
          JSON.stringify(v)
        } as "2006-01-02T15:04:05.000000Z07:00": cannot parse as ".000000"`,
      );
    }
  }
  if (rt.kind === "ConfigMap") stringMap(rt, obj.data, "ConfigMap.data");
  if (rt.kind === "Secret") {
    stringMap(rt, obj.stringData, "Secret.stringData");
    stringMap(rt, obj.data, "Secret.data");
    for (const v of Object.values(isObj(obj.data) ? obj.data : {})) {
      if (!BASE64.test(String(v))) fail(rt, "illegal base64 data at input byte 0");
    }
  }
}
