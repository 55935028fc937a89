/**
 * A container's environment from the image env, `envFrom`, and `env` (value with `$(VAR)`
 * expansion, secretKeyRef, configMapKeyRef, fieldRef), as the kubelet builds it.
 *
 * @module
 */

import { expandVars } from "./command.ts";
import type { Container, Pod } from "./types.ts";

/** ConfigMaps and Secrets read for a pod: name → string data, or null when absent. */
export interface PodObjects {
  configMaps: Map<string, Record<string, string> | null>;
  secrets: Map<string, Record<string, string> | null>;
}

/** The outcome of building an environment; failures become CreateContainerConfigError. */
export type EnvResult = { ok: true; env: Record<string, string> } | { ok: false; message: string };

/** Values the pod's fieldRefs read that are not on the pod object yet. */
export interface FieldValues {
  podIP?: string;
  hostIP?: string;
  nodeName?: string;
}

/** Names of the ConfigMaps and Secrets a pod refers to, in env, envFrom and volumes. */
export function referencedObjects(pod: Pod): { configMaps: Set<string>; secrets: Set<string> } {
  const configMaps = new Set<string>(), secrets = new Set<string>();
  const all = [...(pod.spec.initContainers ?? []), ...(pod.spec.containers ?? [])];
  for (const c of all) {
    for (const f of c.envFrom ?? []) {
      if (f.configMapRef?.name) configMaps.add(f.configMapRef.name);
      if (f.secretRef?.name) secrets.add(f.secretRef.name);
    }
    for (const e of c.env ?? []) {
      if (e.valueFrom?.configMapKeyRef?.name) configMaps.add(e.valueFrom.configMapKeyRef.name);
      if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
    }
  }
  for (const v of pod.spec.volumes ?? []) {
    if (v.configMap?.name) configMaps.add(v.configMap.name);
    if (v.secret?.secretName) secrets.add(v.secret.secretName);
  }
  return { configMaps, secrets };
}

/** Reads a fieldRef path such as `metadata.name` or `metadata.labels['app']`. */
export function fieldValue(pod: Pod, path: string, extra: FieldValues): string | undefined {
  const m = /^metadata\.(labels|annotations)\['(.*)'\]$/.exec(path);
  if (m) {
    const map = pod.metadata[m[1] as "labels" | "annotations"] as
      | Record<string, string>
      | undefined;
    return map?.[m[2]] ?? "";
  }
  switch (path) {
    case "metadata.name":
      return pod.metadata.name;
    case "metadata.namespace":
      return pod.metadata.namespace;
    case "metadata.uid":
      return pod.metadata.uid;
    case "spec.nodeName":
      return pod.spec.nodeName ?? extra.nodeName ?? "";
    case "spec.serviceAccountName":
      return pod.spec.serviceAccountName ?? "default";
    case "status.podIP":
      return extra.podIP ?? "";
    case "status.hostIP":
      return extra.hostIP ?? "";
  }
  return undefined;
}

type KeyRef = { name?: string; key: string; optional?: boolean };

function lookupKey(
  kind: "ConfigMap" | "Secret",
  store: Map<string, Record<string, string> | null>,
  ref: KeyRef,
  ns: string,
): { value?: string; error?: string } {
  const data = store.get(ref.name ?? "");
  if (!data) {
    if (ref.optional) return {};
    return { error: `${kind.toLowerCase()} "${ref.name}" not found` };
  }
  if (!Object.hasOwn(data, ref.key)) {
    if (ref.optional) return {};
    return { error: `couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}` };
  }
  return { value: data[ref.key] };
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function applyEnvFrom(c: Container, objs: PodObjects, env: Record<string, string>) {
  for (const f of c.envFrom ?? []) {
    const prefix = f.prefix ?? "";
    const ref = f.configMapRef ?? f.secretRef;
    const kind = f.configMapRef ? "configmap" : "secret";
    const data = (f.configMapRef ? objs.configMaps : objs.secrets).get(ref?.name ?? "");
    if (!data) {
      if (ref?.optional) continue;
      return `${kind} "${ref?.name}" not found`;
    }
    for (const [k, v] of Object.entries(data)) {
      if (ENV_NAME.test(prefix + k)) env[prefix + k] = v;
    }
  }
  return undefined;
}

/** Builds the environment of container `c` of `pod` on top of `base` (the image env). */
export function resolveEnv(
  pod: Pod,
  c: Container,
  objs: PodObjects,
  opts: { base?: Record<string, string>; fields?: FieldValues } = {},
): EnvResult {
  const env: Record<string, string> = { ...opts.base };
  const ns = pod.metadata.namespace;
  const fromError = applyEnvFrom(c, objs, env);
  if (fromError) return { ok: false, message: fromError };
  for (const e of c.env ?? []) {
    const vf = e.valueFrom;
    if (!vf) {
      env[e.name] = expandVars(e.value ?? "", env);
      continue;
    }
    let found: { value?: string; error?: string } = {};
    if (vf.configMapKeyRef) found = lookupKey("ConfigMap", objs.configMaps, vf.configMapKeyRef, ns);
    else if (vf.secretKeyRef) found = lookupKey("Secret", objs.secrets, vf.secretKeyRef, ns);
    else if (vf.fieldRef) {
      const v = fieldValue(pod, vf.fieldRef.fieldPath, opts.fields ?? {});
      if (v === undefined) found = { error: `unsupported fieldPath ${vf.fieldRef.fieldPath}` };
      else found = { value: v };
    } else continue; // resourceFieldRef: not modelled
    if (found.error) return { ok: false, message: found.error };
    if (found.value !== undefined) env[e.name] = found.value;
  }
  return { ok: true, env };
}
