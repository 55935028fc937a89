/**
 * The `deployments/scale` subresource (autoscaling/v1 Scale), as `kubectl scale` uses it.
 *
 * @module
 */

import type { Api } from "./api.ts";
import { isObj, jsonPatch, mergePatch, type Obj } from "./patch.ts";
import type { ResourceType } from "./resources.ts";
import { badRequest, conflict } from "./status.ts";

/** The Scale view of a Deployment. */
export function scaleOf(d: Obj): Obj {
  const m = d.metadata as Obj;
  const spec = (d.spec ?? {}) as Obj;
  const labels = isObj(spec.selector) && isObj(spec.selector.matchLabels)
    ? spec.selector.matchLabels
    : {};
  return {
    kind: "Scale",
    apiVersion: "autoscaling/v1",
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 1 },
    status: {
      replicas: ((d.status ?? {}) as Obj).replicas ?? 0,
      selector: Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(","),
    },
  };
}

/** Serves GET, PUT and PATCH on deployments/{name}/scale; returns the new Scale. */
export function handleScale(
  api: Api,
  rt: ResourceType,
  ns: string | undefined,
  name: string,
  req: { method: string; contentType: string; body: unknown },
): Obj {
  const d = api.get(rt, ns, name);
  const current = scaleOf(d);
  if (req.method === "GET") return current;
  let next: unknown;
  if (req.method === "PUT") next = req.body;
  else if (req.contentType.startsWith("application/json-patch+json")) {
    next = jsonPatch(current, req.body);
  } else next = mergePatch(current, req.body);
  if (!isObj(next) || !isObj(next.spec) || typeof next.spec.replicas !== "number") {
    throw badRequest("Scale spec.replicas must be a number");
  }
  const rv = (next.metadata as Obj | undefined)?.resourceVersion;
  if (rv && rv !== (d.metadata as Obj).resourceVersion) throw conflict(rt, name);
  const updated = api.update(rt, ns, name, {
    ...d,
    spec: { ...(d.spec as Obj), replicas: next.spec.replicas },
  }, { fieldManager: "kubectl-scale" }).obj;
  return scaleOf(updated);
}
