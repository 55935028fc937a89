/**
 * The resource types the API server serves: built-ins and, dynamically, CRD versions.
 *
 * @module
 */

import { isObj, type Obj } from "./patch.ts";
import type { Schema } from "./schema.ts";

/** A printer column of a CRD version. */
export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  format?: string;
  description?: string;
  priority?: number;
}

/** One servable resource (a group, version and plural). */
export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  /** Subresources beyond the streaming pod ones: `status`. */
  status: boolean;
  /** Only these verbs, for a type that is not stored (a review): default all of them. */
  verbs?: string[];
  /** CRD data when the type comes from a CustomResourceDefinition. */
  crd?: { name: string; schema?: Schema; columns: PrinterColumn[]; selectableFields: string[] };
}

/** `group/version`, or `version` for the core group. */
export function apiVersionOf(rt: { group: string; version: string }): string {
  return rt.group ? `${rt.group}/${rt.version}` : rt.version;
}

const VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/** The verbs a type supports (all of them unless it lists its own). */
export function verbsOf(rt: ResourceType): string[] {
  return rt.verbs ?? VERBS;
}

function builtin(
  group: string,
  version: string,
  kind: string,
  plural: string,
  namespaced: boolean,
  extra: Partial<ResourceType> = {},
): ResourceType {
  return {
    group,
    version,
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: [],
    categories: [],
    status: false,
    ...extra,
  };
}

/** The built-in resource types. */
export const BUILTINS: readonly ResourceType[] = [
  builtin("", "v1", "Namespace", "namespaces", false, { shortNames: ["ns"], status: true }),
  builtin("", "v1", "Node", "nodes", false, { shortNames: ["no"], status: true }),
  builtin("", "v1", "Pod", "pods", true, { shortNames: ["po"], categories: ["all"], status: true }),
  builtin("", "v1", "Service", "services", true, {
    shortNames: ["svc"],
    categories: ["all"],
    status: true,
  }),
  builtin("", "v1", "Endpoints", "endpoints", true, { shortNames: ["ep"], singular: "endpoints" }),
  builtin("", "v1", "ConfigMap", "configmaps", true, { shortNames: ["cm"] }),
  builtin("", "v1", "Secret", "secrets", true),
  builtin("", "v1", "ServiceAccount", "serviceaccounts", true, { shortNames: ["sa"] }),
  builtin("authentication.k8s.io", "v1", "TokenReview", "tokenreviews", false, {
    verbs: ["create"],
  }),
  builtin("authentication.k8s.io", "v1", "SelfSubjectReview", "selfsubjectreviews", false, {
    verbs: ["create"],
  }),
  builtin("", "v1", "Event", "events", true, { shortNames: ["ev"] }),
  builtin("events.k8s.io", "v1", "Event", "events", true, { shortNames: ["ev"] }),
  builtin("coordination.k8s.io", "v1", "Lease", "leases", true),
  // RBAC objects are enforced by rbac_rules.ts for every request.
  builtin("rbac.authorization.k8s.io", "v1", "ClusterRole", "clusterroles", false),
  builtin("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding", "clusterrolebindings", false),
  builtin("rbac.authorization.k8s.io", "v1", "Role", "roles", true),
  builtin("rbac.authorization.k8s.io", "v1", "RoleBinding", "rolebindings", true),
  ...["SubjectAccessReview", "SelfSubjectAccessReview", "SelfSubjectRulesReview"].map((kind) =>
    builtin("authorization.k8s.io", "v1", kind, `${kind.toLowerCase()}s`, false, {
      verbs: ["create"],
    })
  ),
  builtin(
    "authorization.k8s.io",
    "v1",
    "LocalSubjectAccessReview",
    "localsubjectaccessreviews",
    true,
    { verbs: ["create"] },
  ),
  builtin("networking.k8s.io", "v1", "NetworkPolicy", "networkpolicies", true, {
    shortNames: ["netpol"],
  }),
  builtin("apps", "v1", "Deployment", "deployments", true, {
    shortNames: ["deploy"],
    categories: ["all"],
    status: true,
  }),
  builtin(
    "apiextensions.k8s.io",
    "v1",
    "CustomResourceDefinition",
    "customresourcedefinitions",
    false,
    {
      shortNames: ["crd", "crds"],
      status: true,
    },
  ),
];

/** The storage key of a type: every version of a group's resource shares storage. */
export function storageKey(rt: { group: string; plural: string }): string {
  return `${rt.group}/${rt.plural}`;
}

/** Converts a CustomResourceDefinition to the types of its served versions. */
export function typesFromCrd(crd: Obj): ResourceType[] {
  const spec = (crd.spec ?? {}) as Obj;
  const names = (spec.names ?? {}) as Obj;
  const versions = Array.isArray(spec.versions) ? spec.versions as Obj[] : [];
  const name = String((crd.metadata as Obj).name);
  return versions.filter((v) => v.served !== false).map((v) => {
    const sub = isObj(v.subresources) ? v.subresources : {};
    const schema = isObj(v.schema) ? v.schema.openAPIV3Schema as Schema : undefined;
    return {
      group: String(spec.group),
      version: String(v.name),
      kind: String(names.kind),
      listKind: String(names.listKind ?? `${names.kind}List`),
      plural: String(names.plural),
      singular: String(names.singular ?? String(names.kind).toLowerCase()),
      namespaced: spec.scope !== "Cluster",
      shortNames: (names.shortNames as string[] | undefined) ?? [],
      categories: (names.categories as string[] | undefined) ?? [],
      status: "status" in sub,
      crd: {
        name,
        schema,
        columns: (v.additionalPrinterColumns as PrinterColumn[] | undefined) ?? [],
        selectableFields: ((v.selectableFields as { jsonPath: string }[] | undefined) ?? [])
          .map((f) => f.jsonPath.replace(/^\./, "")),
      },
    };
  });
}

/** The set of servable types: built-ins plus installed CRDs. */
export class Registry {
  #crdTypes = new Map<string, ResourceType[]>();

  /** Replaces the types of one CRD (by CRD name). */
  setCrd(name: string, types: ResourceType[]): void {
    if (types.length) this.#crdTypes.set(name, types);
    else this.#crdTypes.delete(name);
  }

  /** Every type, built-ins first, CRD types in CRD-name order. */
  all(): ResourceType[] {
    const crds = [...this.#crdTypes.keys()].sort().flatMap((k) => this.#crdTypes.get(k)!);
    return [...BUILTINS, ...crds];
  }

  /** The type served at group/version/plural, if any. */
  find(group: string, version: string, plural: string): ResourceType | undefined {
    return this.all().find((t) =>
      t.group === group && t.version === version && t.plural === plural
    );
  }

  /** The type of an object by apiVersion and kind. */
  byKind(apiVersion: string, kind: string): ResourceType | undefined {
    return this.all().find((t) => apiVersionOf(t) === apiVersion && t.kind === kind);
  }

  /** The group versions served, core first, in a stable order. */
  groupVersions(): { group: string; versions: string[] }[] {
    const out = new Map<string, string[]>();
    for (const t of this.all()) {
      const vs = out.get(t.group) ?? [];
      if (!vs.includes(t.version)) vs.push(t.version);
      out.set(t.group, vs);
    }
    return [...out].map(([group, versions]) => ({ group, versions }));
  }
}
