/**
 * Discovery documents: `/version`, legacy `/api`, `/apis`, `/api/v1`, `/apis/<g>/<v>`
 * and aggregated discovery v2 (`APIGroupDiscoveryList`).
 *
 * @module
 */

import type { Obj } from "./patch.ts";
import { apiVersionOf, type Registry, type ResourceType, verbsOf } from "./resources.ts";

/** The `/version` body (minor "32" keeps the kubectl dispatcher on 1.32). */
export function versionInfo(): Obj {
  return {
    major: "1",
    minor: "32",
    gitVersion: "v1.32.4",
    gitCommit: "0000000000000000000000000000000000000000",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: "go1.23.8",
    compiler: "gc",
    platform: "linux/amd64",
  };
}

const STREAMING: [string, string, string[]][] = [
  ["log", "Pod", ["get"]],
  ["exec", "PodExecOptions", ["create", "get"]],
  ["attach", "PodAttachOptions", ["create", "get"]],
  ["portforward", "PodPortForwardOptions", ["create", "get"]],
];

/** A subresource as discovery lists it (group/version only when not the parent's). */
interface Sub {
  name: string;
  kind: string;
  verbs: string[];
  group?: string;
  version?: string;
}

function subresources(rt: ResourceType): Sub[] {
  const out: Sub[] = [];
  if (rt.status) out.push({ name: "status", kind: rt.kind, verbs: ["get", "patch", "update"] });
  if (!rt.crd && rt.group === "" && rt.plural === "pods") {
    out.push({ name: "binding", kind: "Binding", verbs: ["create"] });
    out.push(...STREAMING.map(([name, kind, verbs]) => ({ name, kind, verbs })));
  }
  if (!rt.crd && rt.group === "" && rt.plural === "serviceaccounts") {
    const [group, version] = ["authentication.k8s.io", "v1"];
    out.push({ name: "token", kind: "TokenRequest", verbs: ["create"], group, version });
  }
  if (!rt.crd && rt.kind === "Deployment") {
    const verbs = ["get", "patch", "update"];
    out.push({ name: "scale", kind: "Scale", verbs, group: "autoscaling", version: "v1" });
  }
  return out;
}

/** The APIResourceList of one group version. */
export function resourceList(reg: Registry, group: string, version: string): Obj | undefined {
  const types = reg.all().filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources: Obj[] = [];
  for (const t of types) {
    const r: Obj = {
      name: t.plural,
      singularName: t.singular,
      namespaced: t.namespaced,
      kind: t.kind,
      verbs: verbsOf(t),
    };
    if (t.shortNames.length) r.shortNames = t.shortNames;
    if (t.categories.length) r.categories = t.categories;
    resources.push(r);
    for (const s of subresources(t)) {
      resources.push({
        ...(s.group ? { group: s.group, version: s.version } : {}),
        name: `${t.plural}/${s.name}`,
        singularName: "",
        namespaced: t.namespaced,
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf({ group, version }),
    resources,
  };
}

/** The legacy `/api` body. */
export function apiVersions(host: string): Obj {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: host }],
  };
}

function groupEntry(group: string, versions: string[]): Obj {
  const vs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { name: group, versions: vs, preferredVersion: vs[0] };
}

/** The legacy `/apis` body (APIGroupList). */
export function apiGroupList(reg: Registry): Obj {
  const groups = reg.groupVersions().filter((g) => g.group !== "").map((g) =>
    groupEntry(g.group, g.versions)
  );
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

/** The `/apis/<group>` body (APIGroup), if served. */
export function apiGroup(reg: Registry, group: string): Obj | undefined {
  const g = reg.groupVersions().find((x) => x.group === group && group !== "");
  return g ? { kind: "APIGroup", apiVersion: "v1", ...groupEntry(g.group, g.versions) } : undefined;
}

function discoveryResource(t: ResourceType): Obj {
  const r: Obj = {
    resource: t.plural,
    responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? "Namespaced" : "Cluster",
    singularResource: t.singular,
    verbs: verbsOf(t),
  };
  if (t.shortNames.length) r.shortNames = t.shortNames;
  if (t.categories.length) r.categories = t.categories;
  const subs = subresources(t);
  if (subs.length) {
    r.subresources = subs.map((s) => ({
      subresource: s.name,
      responseKind: { group: s.group ?? t.group, version: s.version ?? t.version, kind: s.kind },
      verbs: s.verbs,
    }));
  }
  return r;
}

/** Aggregated discovery v2 for `/api` (core) or `/apis` (every other group). */
export function aggregated(reg: Registry, core: boolean): Obj {
  const items = reg.groupVersions().filter((g) => (g.group === "") === core).map((g) => ({
    metadata: { name: g.group, creationTimestamp: null },
    versions: g.versions.map((v) => ({
      version: v,
      freshness: "Current",
      resources: reg.all().filter((t) => t.group === g.group && t.version === v).map(
        discoveryResource,
      ),
    })),
  }));
  return {
    kind: "APIGroupDiscoveryList",
    apiVersion: "apidiscovery.k8s.io/v2",
    metadata: {},
    items,
  };
}

/** The Content-Type of aggregated discovery v2. */
export const AGGREGATED_CONTENT_TYPE =
  "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

/** Whether an Accept header asks for aggregated discovery v2. */
export function wantsAggregated(accept: string | null): boolean {
  if (!accept) return false;
  return accept.split(",").some((a) =>
    /as=APIGroupDiscoveryList/.test(a) && /v=v2(;|$)/.test(a.replace(/\s/g, ""))
  );
}
