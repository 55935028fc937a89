/**
 * The pods/binding subresource: what a scheduler POSTs to put a pod on a node.
 *
 * @module
 */

import type { Api } from "./api.ts";
import { rfc3339 } from "./objects.ts";
import { isObj, type Obj } from "./patch.ts";
import type { ResourceType } from "./resources.ts";
import { badRequest, conflict } from "./status.ts";

/** Binds a pod to `body.target.name`: sets spec.nodeName and the PodScheduled condition. */
export function bindPod(
  api: Api,
  rt: ResourceType,
  ns: string | undefined,
  name: string,
  body: unknown,
): Obj {
  const target = isObj(body) && isObj(body.target) ? body.target : undefined;
  const node = target?.name;
  if (typeof node !== "string" || node === "") throw badRequest("Binding target.name is required");
  const pod = api.get(rt, ns, name);
  const spec = (pod.spec ?? {}) as Obj;
  if (spec.nodeName) {
    throw conflict(rt, name, `pod ${name} is already assigned to node "${spec.nodeName}"`);
  }
  const bound = api.update(rt, ns, name, { ...pod, spec: { ...spec, nodeName: node } }, {
    fieldManager: "harness-scheduler",
  }).obj;
  const status = (bound.status ?? {}) as Obj;
  const conds = Array.isArray(status.conditions)
    ? (status.conditions as Obj[]).filter((c) => c.type !== "PodScheduled")
    : [];
  conds.push({
    type: "PodScheduled",
    status: "True",
    lastProbeTime: null,
    lastTransitionTime: rfc3339(api.now()),
  });
  api.update(rt, ns, name, { ...bound, status: { ...status, conditions: conds } }, {
    subresource: "status",
    fieldManager: "harness-scheduler",
  });
  return { kind: "Status", apiVersion: "v1", metadata: {}, status: "Success", code: 201 };
}
