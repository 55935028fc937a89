/**
 * A minimal deployment controller: pods owned by the Deployment carry a pod-template-hash
 * label; pods of an old template are replaced, the count follows spec.replicas, and status
 * reports replicas, ready, available and the Available/Progressing conditions.
 *
 * @module
 */

import type { Api } from "./api.ts";
import { podReady } from "./endpoints.ts";
import { deepEqual, rfc3339 } from "./objects.ts";
import { hashOf } from "./openapi.ts";
import { clone, isObj, type Obj } from "./patch.ts";
import type { ResourceType } from "./resources.ts";
import { metaOf } from "./store.ts";

/** The pod-template-hash of a template. */
export function templateHash(template: unknown): string {
  return hashOf(JSON.stringify(template ?? {})).toLowerCase().slice(0, 10);
}

function condition(
  old: Obj[],
  type: string,
  status: string,
  reason: string,
  message: string,
  now: string,
): Obj {
  const prev = old.find((c) => c.type === type);
  const same = prev && prev.status === status;
  return {
    type,
    status,
    lastUpdateTime: same && prev.reason === reason ? prev.lastUpdateTime : now,
    lastTransitionTime: same ? prev.lastTransitionTime : now,
    reason,
    message,
  };
}

function newPod(d: Obj, hash: string): Obj {
  const m = metaOf(d);
  const tpl = clone(((d.spec ?? {}) as Obj).template ?? {}) as Obj;
  const tm = (isObj(tpl.metadata) ? tpl.metadata : {}) as Obj;
  return {
    metadata: {
      generateName: `${m.name}-${hash}-`,
      namespace: m.namespace,
      labels: { ...(tm.labels as Obj ?? {}), "pod-template-hash": hash },
      annotations: tm.annotations ?? {},
      ownerReferences: [{
        apiVersion: "apps/v1",
        kind: "Deployment",
        name: m.name,
        uid: m.uid,
        controller: true,
        blockOwnerDeletion: true,
      }],
    },
    spec: tpl.spec ?? {},
  };
}

function typeOf(api: Api, group: string, plural: string): ResourceType {
  return api.registry.find(group, "v1", plural)!;
}

/** Inputs of {@linkcode deploymentStatus}. */
export interface StatusInput {
  name: string;
  generation: unknown;
  hash: string;
  want: number;
  ready: number;
  /** The current status (conditions keep their times while unchanged). */
  old: unknown;
  now: string;
}

/** The status a Deployment gets from its ready pod count (pure). */
export function deploymentStatus(i: StatusInput): Obj {
  const oldConds = isObj(i.old) && Array.isArray(i.old.conditions) ? i.old.conditions as Obj[] : [];
  const available = i.ready >= i.want;
  const progress = available ? "has successfully progressed" : "is progressing";
  const status: Obj = {
    observedGeneration: i.generation,
    replicas: i.want,
    updatedReplicas: i.want,
    conditions: [
      condition(
        oldConds,
        "Available",
        available ? "True" : "False",
        available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
        `Deployment ${available ? "has" : "does not have"} minimum availability.`,
        i.now,
      ),
      condition(
        oldConds,
        "Progressing",
        "True",
        available ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
        `ReplicaSet "${i.name}-${i.hash}" ${progress}.`,
        i.now,
      ),
    ],
  };
  if (i.ready > 0) Object.assign(status, { readyReplicas: i.ready, availableReplicas: i.ready });
  if (i.ready < i.want) status.unavailableReplicas = i.want - i.ready;
  return status;
}

/** Deletes pods of old templates and surplus pods, creates missing ones; returns the kept. */
function syncPods(api: Api, d: Obj, hash: string, want: number, manager: string): Obj[] {
  const pt = typeOf(api, "", "pods");
  const m = metaOf(d);
  const ns = m.namespace;
  const live = api.store.list("/pods", ns).filter((p) => {
    const refs = metaOf(p).ownerReferences;
    const owned = Array.isArray(refs) && refs.some((r) => isObj(r) && r.uid === m.uid);
    return owned && !metaOf(p).deletionTimestamp;
  });
  const hashOf = (p: Obj) =>
    ((metaOf(p).labels ?? {}) as Record<string, string>)["pod-template-hash"];
  const current = live.filter((p) => hashOf(p) === hash);
  for (const p of live) if (hashOf(p) !== hash) api.delete(pt, ns, metaOf(p).name, {});
  current.sort((a, b) => Number(podReady(a)) - Number(podReady(b)));
  const surplus = Math.max(0, current.length - want);
  for (const p of current.slice(0, surplus)) api.delete(pt, ns, metaOf(p).name, {});
  for (let i = current.length; i < want; i++) {
    api.create(pt, ns, newPod(d, hash), { fieldManager: manager });
  }
  return current.slice(surplus);
}

/** Reconciles one Deployment: pods, then status. */
export function deployment(api: Api, ns: string, name: string, manager: string): void {
  const d = api.store.get("apps/deployments", ns, name);
  if (!d || metaOf(d).deletionTimestamp) return;
  const spec = (d.spec ?? {}) as Obj;
  const want = Number(spec.replicas ?? 1);
  const hash = templateHash(spec.template);
  const kept = syncPods(api, d, hash, want, manager);
  const status = deploymentStatus({
    name,
    generation: metaOf(d).generation,
    hash,
    want,
    ready: kept.filter(podReady).length,
    old: d.status,
    now: rfc3339(api.now()),
  });
  if (deepEqual(d.status, status)) return;
  const dt = typeOf(api, "apps", "deployments");
  api.update(dt, ns, name, { ...d, status }, { subresource: "status", fieldManager: manager });
}
