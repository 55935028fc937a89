/**
 * JSON patch (RFC 6902), JSON merge patch (RFC 7386) and strategic merge patch (the
 * subset kubectl apply sends for built-in kinds).
 *
 * @module
 */

import { ApiError, badRequest } from "./status.ts";

/** A JSON object. */
export type Obj = Record<string, unknown>;

/** Whether a value is a plain JSON object. */
export function isObj(v: unknown): v is Obj {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** A deep copy of a JSON value. */
export function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/** Applies a JSON merge patch; null deletes a key. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

interface JsonPatchOp {
  op: string;
  path: string;
  from?: string;
  value?: unknown;
}

function pointer(path: string): string[] {
  if (path === "") return [];
  if (!path.startsWith("/")) throw badRequest(`invalid JSON pointer "${path}"`);
  return path.slice(1).split("/").map((s) => s.replaceAll("~1", "/").replaceAll("~0", "~"));
}

function walk(doc: unknown, parts: string[], path: string): unknown {
  let cur = doc;
  for (const p of parts) {
    if (Array.isArray(cur)) cur = cur[Number(p)];
    else if (isObj(cur)) cur = cur[p];
    else cur = undefined;
    if (cur === undefined) {
      throw badRequest(`the server rejected our request: missing path "${path}"`);
    }
  }
  return cur;
}

function removeAt(doc: unknown, path: string): unknown {
  const parts = pointer(path);
  const parent = walk(doc, parts.slice(0, -1), path);
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) {
    const i = Number(last);
    if (!(i >= 0 && i < parent.length)) {
      throw badRequest(`unable to remove nonexistent index ${path}`);
    }
    return parent.splice(i, 1)[0];
  }
  if (!isObj(parent) || !(last in parent)) {
    throw badRequest(`unable to remove nonexistent key: ${last}: missing value`);
  }
  const v = parent[last];
  delete parent[last];
  return v;
}

function addAt(doc: unknown, path: string, value: unknown, replace: boolean): unknown {
  const parts = pointer(path);
  if (parts.length === 0) return clone(value);
  const parent = walk(doc, parts.slice(0, -1), path);
  const last = parts[parts.length - 1];
  if (Array.isArray(parent)) {
    const i = last === "-" ? parent.length : Number(last);
    if (!(i >= 0 && i <= parent.length)) throw badRequest(`index out of bounds: ${path}`);
    if (replace) parent[i] = clone(value);
    else parent.splice(i, 0, clone(value));
  } else if (isObj(parent)) {
    if (replace && !(last in parent)) {
      throw badRequest(`replace operation does not apply: doc is missing key: ${path}`);
    }
    parent[last] = clone(value);
  } else throw badRequest(`doc is missing path: "${path}"`);
  return doc;
}

/** Applies an RFC 6902 JSON patch (add, remove, replace, move, copy, test). */
export function jsonPatch(target: unknown, ops: unknown): unknown {
  if (!Array.isArray(ops)) throw badRequest("json patch must be an array of operations");
  let doc = clone(target);
  for (const raw of ops as JsonPatchOp[]) {
    switch (raw.op) {
      case "add":
        doc = addAt(doc, raw.path, raw.value, false);
        break;
      case "replace":
        doc = addAt(doc, raw.path, raw.value, true);
        break;
      case "remove":
        removeAt(doc, raw.path);
        break;
      case "move":
        doc = addAt(doc, raw.path, removeAt(doc, raw.from ?? ""), false);
        break;
      case "copy":
        doc = addAt(doc, raw.path, walk(doc, pointer(raw.from ?? ""), raw.from ?? ""), false);
        break;
      case "test":
        if (JSON.stringify(walk(doc, pointer(raw.path), raw.path)) !== JSON.stringify(raw.value)) {
          throw new ApiError(
            422,
            "Invalid",
            `the server rejected our request: testing value ${raw.path} failed`,
          );
        }
        break;
      default:
        throw badRequest(`Unexpected kind: ${raw.op}`);
    }
  }
  return doc;
}

/** The merge key of a list field in built-in kinds, by field name (undefined = atomic). */
export function mergeKeyFor(field: string, sample: unknown): string | undefined {
  switch (field) {
    case "containers":
    case "initContainers":
    case "ephemeralContainers":
    case "env":
    case "volumes":
    case "imagePullSecrets":
    case "hostAliases":
      return field === "hostAliases" ? "ip" : "name";
    case "volumeMounts":
    case "volumeDevices":
      return "mountPath";
    case "ports":
      return isObj(sample) && "containerPort" in sample ? "containerPort" : "port";
    case "ownerReferences":
      return "uid";
    case "conditions":
      return "type";
    default:
      return undefined;
  }
}

/** Lists merged as sets of primitives. */
const SET_LISTS = new Set(["finalizers"]);

function keyOf(item: unknown, key: string): string {
  return isObj(item) ? JSON.stringify(item[key]) : JSON.stringify(item);
}

function mergeList(field: string, orig: unknown[], patch: unknown[], order?: unknown[]): unknown[] {
  const key = mergeKeyFor(field, patch[0] ?? orig[0]);
  if (patch.some((p) => isObj(p) && p.$patch === "replace")) {
    return patch.filter((p) => !(isObj(p) && p.$patch === "replace")).map(strip);
  }
  if (SET_LISTS.has(field)) {
    const out = [...orig];
    for (const p of patch) if (!out.includes(p)) out.push(p);
    return out;
  }
  if (!key) return patch.map(strip);
  const out = orig.map(clone);
  for (const p of patch) {
    const k = keyOf(p, key);
    const i = out.findIndex((o) => keyOf(o, key) === k);
    if (isObj(p) && p.$patch === "delete") {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) out[i] = strategicMerge(out[i], p);
    else out.push(strip(p));
  }
  if (!order) return out;
  const rank = new Map(order.map((o, i) => [keyOf(o, key), i]));
  return out.map((o, i) => ({ o, i })).sort((a, b) =>
    (rank.get(keyOf(a.o, key)) ?? 1e9 + a.i) - (rank.get(keyOf(b.o, key)) ?? 1e9 + b.i)
  ).map((x) => x.o);
}

function strip(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(strip);
  if (!isObj(v)) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v)) {
    if (!k.startsWith("$")) out[k] = strip(x);
  }
  return out;
}

/**
 * Applies a strategic merge patch: maps merge, known lists merge by key
 * (`containers`/`env`/`volumes` by name, `ports` by port, …), `$patch: delete|replace`,
 * `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>` and `$retainKeys`.
 */
export function strategicMerge(target: unknown, patch: unknown): unknown {
  if (!isObj(patch)) return clone(patch);
  if (patch.$patch === "replace") return strip(patch);
  if (patch.$patch === "delete") return undefined;
  const out: Obj = isObj(target) ? clone(target) : {};
  if (Array.isArray(patch.$retainKeys)) {
    for (const k of Object.keys(out)) if (!patch.$retainKeys.includes(k)) delete out[k];
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith("$")) continue;
    if (v === null) {
      delete out[k];
    } else if (Array.isArray(v)) {
      const orig = Array.isArray(out[k]) ? out[k] as unknown[] : [];
      const order = patch[`$setElementOrder/${k}`] as unknown[] | undefined;
      out[k] = mergeList(k, orig, v, order);
    } else if (isObj(v)) {
      const merged = strategicMerge(out[k], v);
      if (merged === undefined) delete out[k];
      else out[k] = merged;
    } else out[k] = v;
  }
  for (const [k, v] of Object.entries(patch)) {
    const del = /^\$deleteFromPrimitiveList\/(.+)$/.exec(k);
    if (del && Array.isArray(out[del[1]]) && Array.isArray(v)) {
      out[del[1]] = (out[del[1]] as unknown[]).filter((x) => !v.includes(x));
    }
    const ord = /^\$setElementOrder\/(.+)$/.exec(k);
    if (ord && !(ord[1] in patch) && Array.isArray(out[ord[1]]) && Array.isArray(v)) {
      out[ord[1]] = mergeList(ord[1], out[ord[1]] as unknown[], [], v);
    }
  }
  return out;
}
