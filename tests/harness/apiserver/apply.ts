/**
 * Server-side apply (`application/apply-patch+yaml`): merge the applied configuration into
 * the live object, report conflicts with other managers, drop fields the manager stopped
 * applying, and rewrite managedFields.
 *
 * @module
 */

import {
  entriesOf,
  fieldSetOf,
  fromFieldsV1,
  leaves,
  type ManagedFieldsEntry,
  removeAt,
  SEP,
  toFieldsV1,
  valueAt,
} from "./managed_fields.ts";
import { clone, isObj, type Obj, strategicMerge } from "./patch.ts";
import { ApiError } from "./status.ts";

/** Options of {@linkcode serverSideApply}. */
export interface ApplyOptions {
  manager: string;
  force: boolean;
  apiVersion: string;
  time: string;
}

/** A field owned by another manager with a different value. */
export interface ApplyConflict {
  manager: string;
  apiVersion: string;
  path: string;
}

/** `.spec.containers[name="a"].image` from the path of that field. */
export function displayPath(path: string): string {
  return path.split(SEP).map((seg) => {
    if (seg.startsWith("f:")) return `.${seg.slice(2)}`;
    if (seg.startsWith("v:")) return `[${seg.slice(2)}]`;
    const spec = JSON.parse(seg.slice(2)) as Obj;
    return `[${Object.entries(spec).map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(",")}]`;
  }).join("");
}

/** The 409 Kubernetes answers for apply conflicts. */
export function conflictError(conflicts: ApplyConflict[], kind: string, name: string): ApiError {
  const n = conflicts.length;
  const head = `Apply failed with ${n} conflict${n === 1 ? "" : "s"}: `;
  const body = n === 1
    ? `conflict with "${conflicts[0].manager}" using ${conflicts[0].apiVersion}: ${
      displayPath(conflicts[0].path)
    }`
    : conflicts.map((c) => `conflict with "${c.manager}": ${displayPath(c.path)}`).join("\n");
  return new ApiError(409, "Conflict", head + body, {
    name,
    kind,
    causes: conflicts.map((c) => ({
      reason: "FieldManagerConflict",
      message: `conflict with "${c.manager}" using ${c.apiVersion}`,
      field: displayPath(c.path),
    })),
  });
}

function findConflicts(live: Obj, applied: Obj, entries: ManagedFieldsEntry[], o: ApplyOptions) {
  const appliedLeaves = leaves(fieldSetOf(applied));
  const out: ApplyConflict[] = [];
  for (const e of entries) {
    if (e.manager === o.manager) continue;
    const owned = fromFieldsV1(e.fieldsV1);
    for (const p of appliedLeaves) {
      if (!owned.has(p) || isObj(valueAt(applied, p))) continue;
      if (JSON.stringify(valueAt(live, p)) === JSON.stringify(valueAt(applied, p))) continue;
      out.push({ manager: e.manager, apiVersion: e.apiVersion, path: p });
    }
  }
  return out;
}

/**
 * Removes what a manager applied before but not now: leaves and keyed list items nobody
 * else owns. Maps stay (possibly empty), so server defaults under them survive.
 */
function removeDropped(
  obj: Obj,
  previous: Set<string>,
  applied: Set<string>,
  others: ManagedFieldsEntry[],
) {
  const otherPaths = others.flatMap((e) => [...fromFieldsV1(e.fieldsV1)]);
  const prev = [...previous].sort();
  for (const p of prev) {
    if (applied.has(p)) continue;
    const last = p.slice(p.lastIndexOf(SEP) + 1);
    const leaf = !prev.some((q) => q.startsWith(p + SEP));
    if (!leaf && !last.startsWith("k:")) continue;
    if (otherPaths.some((q) => q === p || q.startsWith(p + SEP))) continue;
    removeAt(obj, p);
  }
}

/**
 * Applies `applied` for a manager onto `live` (undefined = create). Throws a 409 with
 * FieldManagerConflict causes unless `force`; returns the merged object with managedFields.
 */
export function serverSideApply(live: Obj | undefined, applied: Obj, o: ApplyOptions): Obj {
  const entries = live ? entriesOf(live) : [];
  const conflicts = live ? findConflicts(live, applied, entries, o) : [];
  const meta = (applied.metadata ?? {}) as Obj;
  if (conflicts.length && !o.force) {
    throw conflictError(conflicts, String(applied.kind ?? ""), String(meta.name ?? ""));
  }
  const appliedSet = fieldSetOf(applied);
  const lost = new Set(conflicts.map((c) => `${c.manager}\u0000${c.path}`));
  const others: ManagedFieldsEntry[] = [];
  let previous = new Set<string>();
  for (const e of entries) {
    const set = fromFieldsV1(e.fieldsV1);
    if (e.manager === o.manager && e.operation === "Apply") {
      previous = set;
      continue;
    }
    const kept = new Set([...set].filter((p) => !lost.has(`${e.manager}\u0000${p}`)));
    if (kept.size) others.push({ ...e, fieldsV1: toFieldsV1(kept) });
  }
  const body = clone(applied);
  delete (body.metadata as Obj | undefined)?.managedFields;
  const merged = strategicMerge(live ?? {}, body) as Obj;
  removeDropped(merged, previous, appliedSet, others);
  const mine: ManagedFieldsEntry = {
    manager: o.manager,
    operation: "Apply",
    apiVersion: o.apiVersion,
    time: o.time,
    fieldsType: "FieldsV1",
    fieldsV1: toFieldsV1(appliedSet),
  };
  (merged.metadata as Obj).managedFields = [...others, mine];
  return merged;
}
