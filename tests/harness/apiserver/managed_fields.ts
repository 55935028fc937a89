/**
 * Field ownership for server-side apply: field sets as path strings, `managedFields`
 * entries in the FieldsV1 format, conflicts and the removal of fields a manager stopped
 * applying.
 *
 * @module
 */

import { clone, isObj, mergeKeyFor, type Obj } from "./patch.ts";

/** A set of field paths, segments joined by {@linkcode SEP} (`f:spec␟f:replicas`). */
export type FieldSet = Set<string>;

/** The separator of path segments (keys may contain `/` and `.`). */
export const SEP = "\u241f";

/** One metadata.managedFields entry. */
export interface ManagedFieldsEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  time: string;
  fieldsType: "FieldsV1";
  fieldsV1: Obj;
  subresource?: string;
}

const IGNORED_META = new Set([
  "name",
  "namespace",
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
]);

function elementKey(field: string, item: unknown): string | undefined {
  const key = mergeKeyFor(field, item);
  if (key && isObj(item) && item[key] !== undefined) {
    return `k:${JSON.stringify({ [key]: item[key] })}`;
  }
  if (field === "finalizers") return `v:${JSON.stringify(item)}`;
  return undefined;
}

function addPaths(out: FieldSet, prefix: string, field: string, v: unknown): void {
  if (Array.isArray(v)) {
    const keyed = v.length > 0 && v.every((x) => elementKey(field, x) !== undefined);
    if (!keyed) return;
    for (const item of v) {
      const p = `${prefix}${SEP}${elementKey(field, item)}`;
      out.add(p);
      if (isObj(item)) {
        for (const [k, x] of Object.entries(item)) walk(out, `${p}${SEP}f:${k}`, k, x);
      }
    }
    return;
  }
  if (isObj(v)) {
    for (const [k, x] of Object.entries(v)) {
      walk(out, `${prefix}${SEP}f:${k}`, k, x);
    }
  }
}

function walk(out: FieldSet, path: string, field: string, v: unknown): void {
  out.add(path);
  addPaths(out, path, field, v);
}

/** The field set of an object (metadata limited to labels, annotations, finalizers, owners). */
export function fieldSetOf(obj: Obj): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of Object.entries(obj)) {
    if (k === "apiVersion" || k === "kind") continue;
    if (k === "metadata" && isObj(v)) {
      for (const [mk, mv] of Object.entries(v)) {
        if (IGNORED_META.has(mk)) continue;
        out.add("f:metadata");
        walk(out, `f:metadata${SEP}f:${mk}`, mk, mv);
      }
      continue;
    }
    walk(out, `f:${k}`, k, v);
  }
  return out;
}

/** Converts a field set to the FieldsV1 tree (`{"f:spec":{"f:replicas":{}}}`, `.` markers). */
export function toFieldsV1(set: FieldSet): Obj {
  const root: Obj = {};
  for (const path of [...set].sort()) {
    let cur = root;
    for (const seg of path.split(SEP)) {
      cur[seg] ??= {};
      cur = cur[seg] as Obj;
    }
  }
  const mark = (o: Obj): Obj => {
    const out: Obj = {};
    for (const [k, v] of Object.entries(o)) {
      const children = isObj(v) && Object.keys(v).length > 0;
      out[k] = children ? { ".": {}, ...mark(v as Obj) } : v;
    }
    return out;
  };
  return mark(root);
}

/** Converts a FieldsV1 tree back to a field set. */
export function fromFieldsV1(tree: Obj, prefix = ""): FieldSet {
  const out: FieldSet = new Set();
  for (const [k, v] of Object.entries(tree)) {
    if (k === ".") continue;
    const p = prefix ? `${prefix}${SEP}${k}` : k;
    out.add(p);
    if (isObj(v)) { for (const x of fromFieldsV1(v, p)) out.add(x); }
  }
  return out;
}

/** Reads the value at a path (undefined when absent). */
export function valueAt(obj: unknown, path: string): unknown {
  let cur = obj;
  for (const seg of path.split(SEP)) {
    if (seg.startsWith("f:") && isObj(cur)) cur = cur[seg.slice(2)];
    else if ((seg.startsWith("k:") || seg.startsWith("v:")) && Array.isArray(cur)) {
      cur = cur.find((x) => matches(seg, x));
    } else return undefined;
    if (cur === undefined) return undefined;
  }
  return cur;
}

function matches(seg: string, item: unknown): boolean {
  const spec = JSON.parse(seg.slice(2));
  if (seg.startsWith("v:")) return JSON.stringify(item) === JSON.stringify(spec);
  return isObj(item) && Object.entries(spec).every(([k, v]) => item[k] === v);
}

/** Removes the value at a path from an object (mutates it). */
export function removeAt(obj: Obj, path: string): void {
  const segs = path.split(SEP);
  const parent = valueAt(obj, segs.slice(0, -1).join(SEP)) ?? (segs.length === 1 ? obj : undefined);
  const last = segs[segs.length - 1];
  if (last.startsWith("f:") && isObj(parent)) delete parent[last.slice(2)];
  else if (Array.isArray(parent)) {
    const i = parent.findIndex((x) => matches(last, x));
    if (i >= 0) parent.splice(i, 1);
  }
}

/** The entries of an object's managedFields. */
export function entriesOf(obj: Obj): ManagedFieldsEntry[] {
  const m = obj.metadata as Obj;
  return Array.isArray(m.managedFields) ? clone(m.managedFields as ManagedFieldsEntry[]) : [];
}

/** Leaf paths of a set: paths no other path of the set extends. */
export function leaves(set: FieldSet): string[] {
  const all = [...set].sort();
  return all.filter((p, i) => !(all[i + 1]?.startsWith(p + SEP)));
}

/**
 * Records that `manager` (an Update) changed the fields that differ between old and new,
 * starting from `base` entries (default: old's; a client may rewrite managedFields).
 */
export function recordUpdate(
  old: Obj | undefined,
  next: Obj,
  manager: string,
  apiVersion: string,
  time: string,
  subresource?: string,
  base?: ManagedFieldsEntry[],
): ManagedFieldsEntry[] {
  const entries = base ?? (old ? entriesOf(old) : []);
  const after = fieldSetOf(next);
  const changed = new Set(
    [...after].filter((p) =>
      !old || JSON.stringify(valueAt(old, p)) !== JSON.stringify(valueAt(next, p))
    ),
  );
  const out: ManagedFieldsEntry[] = [];
  let mine = new Set<string>();
  for (const e of entries) {
    const set = fromFieldsV1(e.fieldsV1);
    const kept = new Set([...set].filter((p) => after.has(p) && !changed.has(p)));
    if (e.manager === manager && e.operation === "Update" && e.subresource === subresource) {
      mine = kept;
      continue;
    }
    if (kept.size) out.push({ ...e, fieldsV1: toFieldsV1(kept) });
  }
  for (const p of changed) mine.add(p);
  if (mine.size === 0) return out;
  const entry: ManagedFieldsEntry = {
    manager,
    operation: "Update",
    apiVersion,
    time,
    fieldsType: "FieldsV1",
    fieldsV1: toFieldsV1(mine),
  };
  if (subresource) entry.subresource = subresource;
  return [...out, entry];
}
