/**
 * The field selectors each kind supports; others get the 400 Kubernetes answers.
 *
 * @module
 */

import type { ResourceType } from "./resources.ts";
import { parseFieldSelector } from "./selectors.ts";
import { badRequest } from "./status.ts";

const COMMON = ["metadata.name", "metadata.namespace"];

const BUILTIN: Record<string, string[]> = {
  "/pods": [
    "spec.nodeName",
    "spec.restartPolicy",
    "spec.schedulerName",
    "spec.serviceAccountName",
    "spec.hostNetwork",
    "status.phase",
    "status.podIP",
    "status.podIPs",
    "status.nominatedNodeName",
  ],
  "/events": [
    "involvedObject.kind",
    "involvedObject.namespace",
    "involvedObject.name",
    "involvedObject.uid",
    "involvedObject.apiVersion",
    "involvedObject.resourceVersion",
    "involvedObject.fieldPath",
    "reason",
    "reportingComponent",
    "source",
    "type",
  ],
  "events.k8s.io/events": [
    "regarding.kind",
    "regarding.namespace",
    "regarding.name",
    "regarding.uid",
    "regarding.apiVersion",
    "regarding.resourceVersion",
    "regarding.fieldPath",
    "reason",
    "reportingController",
    "type",
  ],
  "/secrets": ["type"],
  "/namespaces": ["status.phase"],
  "/nodes": ["spec.unschedulable"],
};

/** Throws 400 when a field selector uses a field the kind cannot be selected by. */
export function checkFieldSelector(rt: ResourceType, selector: string | undefined): void {
  if (!selector) return;
  const allowed = [
    ...COMMON,
    ...(rt.crd ? rt.crd.selectableFields : BUILTIN[`${rt.group}/${rt.plural}`] ?? []),
  ];
  for (const r of parseFieldSelector(selector)) {
    if (allowed.includes(r.key)) continue;
    if (rt.crd) {
      const list = allowed.map((a) => JSON.stringify(a)).join(", ");
      throw badRequest(`${JSON.stringify(r.key)} is not a known field selector: only ${list}`);
    }
    throw badRequest(`field label not supported: ${r.key}`);
  }
}
