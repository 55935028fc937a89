/**
 * OpenAPI v3: the `/openapi/v3` index and one document per group version, with a patch
 * operation per resource (so kubectl validates on the server) and, for CRDs, the schema
 * in components.schemas (for `kubectl explain`).
 *
 * @module
 */

import { isObj, type Obj } from "./patch.ts";
import { apiVersionOf, type Registry, type ResourceType } from "./resources.ts";

function gvPath(group: string, version: string): string {
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

function schemaName(t: ResourceType): string {
  const g = t.group ? t.group.split(".").reverse().join(".") : "io.k8s.api.core";
  return `${g}.${t.version}.${t.kind}`;
}

function patchOp(t: ResourceType): Obj {
  const gvk = { group: t.group, version: t.version, kind: t.kind };
  return {
    description: `partially update the specified ${t.kind}`,
    operationId: `patch${t.kind}`,
    "x-kubernetes-action": "patch",
    "x-kubernetes-group-version-kind": gvk,
    parameters: [
      { name: "dryRun", in: "query", schema: { type: "string", uniqueItems: true } },
      { name: "fieldManager", in: "query", schema: { type: "string", uniqueItems: true } },
      { name: "fieldValidation", in: "query", schema: { type: "string", uniqueItems: true } },
      { name: "force", in: "query", schema: { type: "boolean", uniqueItems: true } },
    ],
    requestBody: {
      content: {
        "application/json-patch+json": { schema: { type: "object" } },
        "application/merge-patch+json": { schema: { type: "object" } },
        "application/apply-patch+yaml": { schema: { type: "object" } },
      },
      required: true,
    },
    responses: { "200": { description: "OK" } },
  };
}

function crSchema(t: ResourceType): Obj {
  const base = (t.crd?.schema ?? { type: "object" }) as Obj;
  const props = isObj(base.properties) ? { ...base.properties } : {};
  props.apiVersion ??= {
    type: "string",
    description: "APIVersion defines the versioned schema of this representation of an object.",
  };
  props.kind ??= {
    type: "string",
    description: "Kind is a string value representing the REST resource this object represents.",
  };
  props.metadata = { type: "object", description: "Standard object's metadata." };
  return {
    ...base,
    type: "object",
    properties: props,
    "x-kubernetes-group-version-kind": [{ group: t.group, kind: t.kind, version: t.version }],
  };
}

/** The OpenAPI v3 document of one group version, if served. */
export function openApiDoc(reg: Registry, group: string, version: string): Obj | undefined {
  const types = reg.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const paths: Obj = {};
  const schemas: Obj = {};
  for (const t of types) {
    const base = `/${gvPath(group, version)}${
      t.namespaced ? "/namespaces/{namespace}" : ""
    }/${t.plural}`;
    paths[`${base}/{name}`] = { patch: patchOp(t) };
    if (t.status) paths[`${base}/{name}/status`] = { patch: patchOp(t) };
    schemas[schemaName(t)] = t.crd ? crSchema(t) : {
      type: "object",
      description: `${t.kind} (${apiVersionOf(t)})`,
      "x-kubernetes-preserve-unknown-fields": true,
      "x-kubernetes-group-version-kind": [{ group: t.group, kind: t.kind, version: t.version }],
    };
  }
  return {
    openapi: "3.0.0",
    info: { title: "Kubernetes", version: "v1.32.4" },
    paths,
    components: { schemas },
  };
}

/** A short stable hash of a string (FNV-1a, hex). */
export function hashOf(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0").toUpperCase();
}

/** The `/openapi/v3` index: one serverRelativeURL per group version. */
export function openApiIndex(reg: Registry): Obj {
  const paths: Obj = {};
  for (const g of reg.groupVersions()) {
    for (const v of g.versions) {
      const p = gvPath(g.group, v);
      const doc = JSON.stringify(openApiDoc(reg, g.group, v));
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hashOf(doc)}` };
    }
  }
  return { paths };
}
