/**
 * The Endpoints of a Service: ready pod IPs as addresses, others as notReadyAddresses,
 * target ports resolved by number or container port name.
 *
 * @module
 */

import { isObj, type Obj } from "./patch.ts";
import { matchLabels, selectorObjectToRequirements } from "./selectors.ts";
import { metaOf } from "./store.ts";

/** Whether a pod's Ready condition is True. */
export function podReady(pod: Obj): boolean {
  const conds = ((pod.status ?? {}) as Obj).conditions;
  return Array.isArray(conds) &&
    conds.some((c) => isObj(c) && c.type === "Ready" && c.status === "True");
}

function resolvePort(target: unknown, pods: Obj[]): number | undefined {
  if (typeof target === "number") return target;
  for (const p of pods) {
    const containers = ((p.spec ?? {}) as Obj).containers;
    for (const c of Array.isArray(containers) ? containers as Obj[] : []) {
      const ports = Array.isArray(c.ports) ? c.ports as Obj[] : [];
      const hit = ports.find((x) => x.name === target);
      if (hit) return Number(hit.containerPort);
    }
  }
  if (typeof target === "string" && /^\d+$/.test(target)) return Number(target);
  return undefined;
}

/** The desired Endpoints of a service (undefined for services without a selector). */
export function endpointsFor(svc: Obj, pods: Obj[]): Obj | undefined {
  const spec = (svc.spec ?? {}) as Obj;
  if (!isObj(spec.selector) || Object.keys(spec.selector).length === 0) return undefined;
  const reqs = selectorObjectToRequirements({
    matchLabels: spec.selector as Record<string, string>,
  });
  const matched = pods.filter((p) => {
    const m = metaOf(p);
    const ip = ((p.status ?? {}) as Obj).podIP;
    return ip && matchLabels(reqs, m.labels as Record<string, string> | undefined);
  });
  const addr = (p: Obj) => ({
    ip: ((p.status ?? {}) as Obj).podIP,
    nodeName: ((p.spec ?? {}) as Obj).nodeName,
    targetRef: {
      kind: "Pod",
      namespace: metaOf(p).namespace,
      name: metaOf(p).name,
      uid: metaOf(p).uid,
    },
  });
  const ready = matched.filter((p) => podReady(p) && !metaOf(p).deletionTimestamp);
  const notReady = matched.filter((p) => !ready.includes(p));
  const ports = (Array.isArray(spec.ports) ? spec.ports as Obj[] : []).flatMap((sp) => {
    const port = resolvePort(sp.targetPort ?? sp.port, matched);
    if (port === undefined) return [];
    const out: Obj = { port, protocol: sp.protocol ?? "TCP" };
    if (sp.name) out.name = sp.name;
    return [out];
  });
  const subset: Obj = { ports };
  if (ready.length) subset.addresses = ready.map(addr);
  if (notReady.length) subset.notReadyAddresses = notReady.map(addr);
  const m = metaOf(svc);
  return {
    apiVersion: "v1",
    kind: "Endpoints",
    metadata: { name: m.name, namespace: m.namespace, labels: m.labels ?? {} },
    subsets: matched.length && ports.length ? [subset] : [],
  };
}
