/**
 * Pure rules of writes: what an update keeps from the old object, how a patch of each
 * content type applies, and what a delete does (remove now, or mark and wait).
 *
 * @module
 */

import { deepEqual, meta, rfc3339, specChanged } from "./objects.ts";
import { clone, isObj, jsonPatch, mergePatch, type Obj, strategicMerge } from "./patch.ts";
import { apiVersionOf, type ResourceType } from "./resources.ts";
import { ApiError, badRequest, conflict } from "./status.ts";

const KEPT_META = [
  "name",
  "namespace",
  "uid",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
];

/**
 * The object an update stores: the body (or only its status for `/status`), the old status
 * when the type has a status subresource, server-owned metadata from the old object, and
 * generation bumped when anything outside metadata and status changed.
 */
export function mergeForUpdate(rt: ResourceType, old: Obj, body: Obj, subresource?: string): Obj {
  const om = meta(old);
  let next: Obj;
  if (subresource === "status") {
    next = clone(old);
    next.status = clone(body.status);
    if (next.status === undefined) delete next.status;
  } else {
    next = clone(body);
    if (rt.status) {
      if (old.status === undefined) delete next.status;
      else next.status = clone(old.status);
    }
  }
  next.apiVersion = apiVersionOf(rt);
  next.kind = rt.kind;
  const nm = meta(next);
  for (const f of KEPT_META) {
    if (om[f] === undefined) delete nm[f];
    else nm[f] = om[f];
  }
  nm.generation = specChanged(old, next) ? Number(om.generation ?? 1) + 1 : om.generation;
  if (nm.generation === undefined) delete nm.generation;
  return next;
}

/** Applies a JSON, merge or strategic merge patch (415 for other types, and SMP on CRs). */
export function applyPatch(rt: ResourceType, old: Obj, contentType: string, body: unknown): Obj {
  const type = contentType.split(";")[0].trim();
  let next: unknown;
  if (type === "application/json-patch+json") next = jsonPatch(old, body);
  else if (type === "application/merge-patch+json") next = mergePatch(old, body);
  else if (type === "application/strategic-merge-patch+json" && !rt.crd) {
    next = strategicMerge(old, body);
  } else {
    const smp = rt.crd ? "" : ", application/strategic-merge-patch+json";
    throw new ApiError(
      415,
      "UnsupportedMediaType",
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml${smp}`,
    );
  }
  if (!isObj(next)) throw badRequest("the patch did not produce an object");
  const nm = meta(next);
  if (nm.resourceVersion === undefined) nm.resourceVersion = meta(old).resourceVersion;
  return next;
}

/** Whether deleting this object waits for a kubelet: a bound pod that is not terminal. */
export function isGraceful(rt: ResourceType, o: Obj): boolean {
  if (rt.crd || rt.kind !== "Pod" || rt.group !== "") return false;
  const spec = (o.spec ?? {}) as Obj;
  const phase = (o.status as Obj | undefined)?.phase;
  return Boolean(spec.nodeName) && phase !== "Succeeded" && phase !== "Failed";
}

/** Options of a delete (the DeleteOptions body and query). */
export interface DeleteOptions {
  propagationPolicy?: string;
  gracePeriodSeconds?: number;
  dryRun?: boolean;
  preconditions?: { uid?: string; resourceVersion?: string };
}

/** Throws 409 when a delete's uid or resourceVersion precondition does not hold. */
export function checkPreconditions(rt: ResourceType, old: Obj, o: DeleteOptions): void {
  const om = meta(old);
  const name = String(om.name);
  const pre = o.preconditions ?? {};
  if (pre.uid && pre.uid !== om.uid) {
    const why =
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${om.uid}`;
    throw conflict(rt, name, why);
  }
  if (pre.resourceVersion && pre.resourceVersion !== om.resourceVersion) {
    const why =
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${om.resourceVersion}`;
    throw conflict(rt, name, why);
  }
}

/** What a delete does: remove the object now, or store `next` (marked) and wait. */
export type DeletePlan = { remove: true } | { remove: false; next: Obj; changed: boolean };

/**
 * Plans a delete: finalizers for Foreground/Orphan, a grace period for bound pods, phase
 * Terminating for namespaces, and deletionTimestamp when anything must wait.
 */
export function planDelete(rt: ResourceType, old: Obj, o: DeleteOptions, now: Date): DeletePlan {
  const next = clone(old);
  const nm = meta(next);
  const finalizers = [...((nm.finalizers as string[] | undefined) ?? [])];
  const add = (f: string) => finalizers.includes(f) || finalizers.push(f);
  if (o.propagationPolicy === "Foreground") add("foregroundDeletion");
  if (o.propagationPolicy === "Orphan") add("orphan");
  const namespace = rt.kind === "Namespace" && !rt.crd;
  if (namespace) next.status = { ...(next.status as Obj ?? {}), phase: "Terminating" };
  const grace = isGraceful(rt, old)
    ? o.gracePeriodSeconds ?? Number((old.spec as Obj).terminationGracePeriodSeconds ?? 30)
    : 0;
  if (finalizers.length === 0 && grace <= 0 && !namespace) return { remove: true };
  if (finalizers.length) nm.finalizers = finalizers;
  if (!nm.deletionTimestamp) {
    nm.deletionTimestamp = rfc3339(new Date(now.getTime() + grace * 1000));
    nm.deletionGracePeriodSeconds = grace;
  }
  return { remove: false, next, changed: !deepEqual(old, next) };
}
