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

/** Reconciles one Deployment: pods, then status. */
export function deployment(api: Api, ns: string, name: string, manager: string): void {
  const dt = typeOf(api, "apps", "deployments");
  const pt = typeOf(api, "", "pods");
  const d = api.store.get("apps/deployments", ns, name);
  if (!d || metaOf(d).deletionTimestamp) return;
  const spec = (d.spec ?? {}) as Obj;
  const want = Number(spec.replicas ?? 1);
  const hash = templateHash(spec.template);
  const uid = metaOf(d).uid;
  const owned = api.store.list("/pods", ns).filter((p) => {
    const refs = metaOf(p).ownerReferences;
    return Array.isArray(refs) && refs.some((r) => isObj(r) && r.uid === uid);
  });
  const live = owned.filter((p) => !metaOf(p).deletionTimestamp);
  const labels = (p: Obj) => (metaOf(p).labels ?? {}) as Record<string, string>;
  const current = live.filter((p) => labels(p)["pod-template-hash"] === hash);
  for (const p of live) {
    if (labels(p)["pod-template-hash"] !== hash) api.delete(pt, ns, metaOf(p).name, {});
  }
  current.sort((a, b) => Number(podReady(a)) - Number(podReady(b)));
  for (const p of current.slice(0, Math.max(0, current.length - want))) {
    api.delete(pt, ns, metaOf(p).name, {});
  }
  for (let i = current.length; i < want; i++) {
    api.create(pt, ns, newPod(d, hash), { fieldManager: manager });
  }
  const kept = current.slice(Math.max(0, current.length - want));
  const ready = kept.filter(podReady).length;
  const now = rfc3339(api.now());
  const old = Array.isArray((d.status as Obj | undefined)?.conditions)
    ? (d.status as Obj).conditions as Obj[]
    : [];
  const available = ready >= want;
  const status: Obj = {
    observedGeneration: metaOf(d).generation,
    replicas: want,
    updatedReplicas: want,
    readyReplicas: ready,
    availableReplicas: ready,
    conditions: [
      condition(
        old,
        "Available",
        available ? "True" : "False",
        available ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable",
        available
          ? "Deployment has minimum availability."
          : "Deployment does not have minimum availability.",
        now,
      ),
      condition(
        old,
        "Progressing",
        "True",
        available ? "NewReplicaSetAvailable" : "ReplicaSetUpdated",
        `ReplicaSet "${name}-${hash}" ${
          available ? "has successfully progressed" : "is progressing"
        }.`,
        now,
      ),
    ],
  };
  if (ready < want) status.unavailableReplicas = want - ready;
  if (status.readyReplicas === 0) delete status.readyReplicas;
  if (status.availableReplicas === 0) delete status.availableReplicas;
  if (deepEqual(d.status, status)) return;
  api.update(dt, ns, name, { ...d, status }, { subresource: "status", fieldManager: manager });
}
