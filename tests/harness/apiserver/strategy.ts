/**
 * Per-kind rules of built-in types: defaults on create, validation, decoding checks.
 *
 * @module
 */

import { meta, rfc3339 } from "./objects.ts";
import { isObj, type Obj } from "./patch.ts";
import type { ResourceType } from "./resources.ts";
import { invalidCause, requiredCause, type StatusCause } from "./status.ts";

/** What defaulting needs from the server. */
export interface StrategyContext {
  now: Date;
  /** The next free ClusterIP. */
  allocateClusterIp(): string;
}

function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

function defaultContainers(list: Obj[]): void {
  for (const c of list) {
    const image = String(c.image ?? "");
    c.imagePullPolicy ??= image.endsWith(":latest") || !/:[^/]+$/.test(image)
      ? "Always"
      : "IfNotPresent";
    c.terminationMessagePath ??= "/dev/termination-log";
    c.terminationMessagePolicy ??= "File";
    for (const p of arr(c.ports)) p.protocol ??= "TCP";
  }
}

function defaultPod(pod: Obj): void {
  const spec = isObj(pod.spec) ? pod.spec : (pod.spec = {});
  spec.restartPolicy ??= "Always";
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= "ClusterFirst";
  spec.serviceAccountName ??= spec.serviceAccount ?? "default";
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.schedulerName ??= "default-scheduler";
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  defaultContainers(arr(spec.containers));
  defaultContainers(arr(spec.initContainers));
}

function defaultService(svc: Obj, clusterIp: () => string): void {
  const spec = isObj(svc.spec) ? svc.spec : (svc.spec = {});
  spec.type ??= "ClusterIP";
  if (spec.clusterIP === undefined || spec.clusterIP === "") spec.clusterIP = clusterIp();
  spec.clusterIPs ??= [spec.clusterIP];
  spec.sessionAffinity ??= "None";
  spec.ipFamilies ??= ["IPv4"];
  spec.ipFamilyPolicy ??= "SingleStack";
  spec.internalTrafficPolicy ??= "Cluster";
  for (const p of arr(spec.ports)) {
    p.protocol ??= "TCP";
    p.targetPort ??= p.port;
  }
}

function defaultDeployment(d: Obj): void {
  const spec = isObj(d.spec) ? d.spec : (d.spec = {});
  spec.replicas ??= 1;
  spec.revisionHistoryLimit ??= 10;
  spec.progressDeadlineSeconds ??= 600;
  if (isObj(spec.strategy) && Object.keys(spec.strategy).length === 0) delete spec.strategy;
  spec.strategy ??= {
    type: "RollingUpdate",
    rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" },
  };
  const tpl = isObj(spec.template) ? spec.template : undefined;
  if (isObj(tpl?.spec)) {
    const ps = tpl.spec as Obj;
    ps.restartPolicy ??= "Always";
    ps.terminationGracePeriodSeconds ??= 30;
    ps.dnsPolicy ??= "ClusterFirst";
    ps.schedulerName ??= "default-scheduler";
    defaultContainers(arr(ps.containers));
  }
}

function crdStatus(crd: Obj, now: Date, old?: Obj): Obj {
  const spec = (crd.spec ?? {}) as Obj;
  const t = rfc3339(now);
  const stored = arr(spec.versions).filter((v) => v.storage).map((v) => String(v.name));
  const prev = (type: string) =>
    arr((old?.status as Obj | undefined)?.conditions).find((c) => c.type === type);
  const cond = (type: string, reason: string, message: string) => ({
    type,
    status: "True",
    lastTransitionTime: prev(type)?.lastTransitionTime ?? t,
    reason,
    message,
  });
  return {
    acceptedNames: spec.names ?? {},
    storedVersions: stored,
    conditions: [
      cond("NamesAccepted", "NoConflicts", "no conflicts found"),
      cond("Established", "InitialNamesAccepted", "the initial names have been accepted"),
    ],
  };
}

/** Sets the defaults and the initial status of a new built-in object (mutates it). */
export function prepareCreate(rt: ResourceType, obj: Obj, ctx: StrategyContext): void {
  if (rt.crd) return;
  switch (rt.kind) {
    case "Pod":
      defaultPod(obj);
      obj.status = { phase: "Pending", qosClass: "BestEffort" };
      return;
    case "Service":
      defaultService(obj, ctx.allocateClusterIp);
      obj.status = { loadBalancer: {} };
      return;
    case "Deployment":
      defaultDeployment(obj);
      obj.status = {};
      return;
    case "Namespace": {
      const m = meta(obj);
      m.labels = { ...(m.labels as Obj ?? {}), "kubernetes.io/metadata.name": m.name };
      obj.spec = { finalizers: ["kubernetes"] };
      obj.status = { phase: "Active" };
      return;
    }
    case "CustomResourceDefinition":
      obj.status = crdStatus(obj, ctx.now);
      return;
  }
}

/** Defaults an updated built-in object as Kubernetes does on every write (mutates `obj`). */
export function prepareUpdate(rt: ResourceType, obj: Obj, old: Obj, ctx: StrategyContext): void {
  if (rt.crd) return;
  switch (rt.kind) {
    case "Pod":
      return defaultPod(obj);
    case "Service":
      return defaultService(obj, () => String(((old.spec ?? {}) as Obj).clusterIP ?? ""));
    case "Deployment":
      return defaultDeployment(obj);
    case "CustomResourceDefinition":
      obj.status = crdStatus(obj, ctx.now, old);
      return;
  }
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function containerCauses(list: Obj[], field: string, seen = new Set<string>()): StatusCause[] {
  const out: StatusCause[] = [];
  list.forEach((c, i) => {
    const name = c.name;
    if (!name) out.push(requiredCause(`${field}[${i}].name`));
    else if (typeof name !== "string" || !DNS_LABEL.test(name) || name.length > 63) {
      out.push(
        invalidCause(
          `${field}[${i}].name`,
          name,
          "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        ),
      );
    } else if (seen.has(name)) {
      out.push({
        reason: "FieldValueDuplicate",
        message: `Duplicate value: ${JSON.stringify(name)}`,
        field: `${field}[${i}].name`,
      });
    } else seen.add(name);
    if (!c.image) out.push(requiredCause(`${field}[${i}].image`));
  });
  return out;
}

function podSpecCauses(spec: Obj, field: string): StatusCause[] {
  if (arr(spec.containers).length === 0) return [requiredCause(`${field}.containers`)];
  const seen = new Set<string>();
  return [
    ...containerCauses(arr(spec.initContainers), `${field}.initContainers`, seen),
    ...containerCauses(arr(spec.containers), `${field}.containers`, seen),
  ];
}

function serviceCauses(spec: Obj): StatusCause[] {
  const headless = spec.clusterIP === "None";
  if (spec.type === "ExternalName" || headless || arr(spec.ports).length > 0) return [];
  return [requiredCause("spec.ports")];
}

function crdCauses(crd: Obj): StatusCause[] {
  const spec = (crd.spec ?? {}) as Obj;
  const names = (spec.names ?? {}) as Obj;
  const out: StatusCause[] = [];
  if (!spec.group) out.push(requiredCause("spec.group"));
  if (!names.plural) out.push(requiredCause("spec.names.plural"));
  if (!names.kind) out.push(requiredCause("spec.names.kind"));
  if (arr(spec.versions).length === 0) out.push(requiredCause("spec.versions"));
  const name = (crd.metadata as Obj).name;
  if (names.plural && spec.group && name !== `${names.plural}.${spec.group}`) {
    out.push(invalidCause("metadata.name", name, 'must be spec.names.plural+"."+spec.group'));
  }
  return out;
}

/** Validation causes (422) of a built-in object. */
export function validateBuiltin(rt: ResourceType, obj: Obj): StatusCause[] {
  const spec = isObj(obj.spec) ? obj.spec : {};
  switch (rt.kind) {
    case "Pod":
      return podSpecCauses(spec, "spec");
    case "Service":
      return serviceCauses(spec);
    case "Deployment": {
      if (!isObj(spec.selector)) return [requiredCause("spec.selector")];
      const tpl = isObj(spec.template) ? spec.template : {};
      return podSpecCauses(isObj(tpl.spec) ? tpl.spec : {}, "spec.template.spec");
    }
    case "CustomResourceDefinition":
      return crdCauses(obj);
  }
  return [];
}
