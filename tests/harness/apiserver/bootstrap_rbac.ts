/**
 * The bootstrap RBAC policy the API server creates at start, after the real one (trimmed to
 * the kinds the harness serves), and the ClusterRole aggregation controller.
 *
 * @module
 */

import type { Api } from "./api.ts";
import { deepEqual } from "./objects.ts";
import type { Obj } from "./patch.ts";
import { type PolicyRule, RBAC_GROUP } from "./rbac_rules.ts";
import {
  type LabelSelectorObject,
  matchLabels,
  selectorObjectToRequirements,
} from "./selectors.ts";
import { storageKey } from "./resources.ts";
import { metaOf, type StoreEvent } from "./store.ts";

const READ = ["get", "list", "watch"];
const WRITE = ["create", "delete", "deletecollection", "patch", "update"];
const READ_WRITE = [...READ, ...WRITE];
const AGGREGATE = (to: string) => `rbac.authorization.k8s.io/aggregate-to-${to}`;
const BOOTSTRAP_META = {
  labels: { "kubernetes.io/bootstrapping": "rbac-defaults" },
  annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" },
};

function rule(verbs: string[], apiGroups: string[], resources: string[]): PolicyRule {
  return { verbs, apiGroups, resources };
}

function urls(verbs: string[], nonResourceURLs: string[]): PolicyRule {
  return { verbs, nonResourceURLs };
}

function clusterRole(
  name: string,
  rules: PolicyRule[],
  aggregateTo: string[] = [],
  aggregateFrom?: string,
): Obj {
  const labels: Record<string, string> = { ...BOOTSTRAP_META.labels };
  for (const to of aggregateTo) labels[AGGREGATE(to)] = "true";
  const role: Obj = {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: "ClusterRole",
    metadata: { name, labels, annotations: { ...BOOTSTRAP_META.annotations } },
    rules,
  };
  if (aggregateFrom) {
    role.aggregationRule = {
      clusterRoleSelectors: [{ matchLabels: { [AGGREGATE(aggregateFrom)]: "true" } }],
    };
  }
  return role;
}

function clusterBinding(role: string, groups: string[]): Obj {
  return {
    apiVersion: `${RBAC_GROUP}/v1`,
    kind: "ClusterRoleBinding",
    metadata: { name: role, ...structuredClone(BOOTSTRAP_META) },
    roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: role },
    subjects: groups.map((name) => ({ kind: "Group", apiGroup: RBAC_GROUP, name })),
  };
}

const NODE_RULES: PolicyRule[] = [
  rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
  rule(["create"], ["authorization.k8s.io"], ["subjectaccessreviews", "localsubjectaccessreviews"]),
  rule(READ, [""], ["services", "endpoints"]),
  rule(["create", "get", "list", "watch", "patch", "update"], [""], ["nodes"]),
  rule(["patch", "update"], [""], ["nodes/status"]),
  rule(["create", "patch", "update"], ["", "events.k8s.io"], ["events"]),
  rule([...READ, "delete"], [""], ["pods"]),
  rule(["patch", "update"], [""], ["pods/status"]),
  rule(["create"], [""], ["pods/binding"]),
  rule(READ, [""], ["secrets", "configmaps", "serviceaccounts"]),
  rule(["create"], [""], ["serviceaccounts/token"]),
];

const HEALTH_URLS = ["/livez", "/readyz", "/healthz", "/version", "/version/"];
const DISCOVERY_URLS = [
  ...HEALTH_URLS,
  "/openapi",
  "/openapi/*",
  "/api",
  "/api/*",
  "/apis",
  "/apis/*",
];
const ISSUER_URLS = [
  "/.well-known/openid-configuration",
  "/.well-known/openid-configuration/",
  "/openid/v1/jwks",
  "/openid/v1/jwks/",
];
const AUTHORIZATION = "authorization.k8s.io";
const ADMIN_RULES: PolicyRule[] = [
  rule(["create"], [AUTHORIZATION], ["localsubjectaccessreviews"]),
  rule(READ_WRITE, [RBAC_GROUP], ["roles", "rolebindings"]),
];
const EDIT_RULES: PolicyRule[] = [
  rule(READ, [""], ["pods/attach", "pods/exec", "pods/portforward", "secrets"]),
  rule(["impersonate"], [""], ["serviceaccounts"]),
  rule(WRITE, [""], ["pods", "pods/attach", "pods/exec", "pods/portforward"]),
  rule(WRITE, [""], ["serviceaccounts", "services", "configmaps", "secrets"]),
  rule(["create"], [""], ["serviceaccounts/token"]),
  rule(WRITE, ["apps"], ["deployments", "deployments/scale"]),
  rule(WRITE, ["networking.k8s.io"], ["networkpolicies"]),
];
const VIEW_RULES: PolicyRule[] = [
  rule(READ, [""], [
    "pods",
    "serviceaccounts",
    "services",
    "services/status",
    "endpoints",
    "configmaps",
  ]),
  rule(READ, [""], ["events", "pods/status", "pods/log", "namespaces/status"]),
  rule(READ, [""], ["namespaces"]),
  rule(READ, ["apps"], ["deployments", "deployments/status", "deployments/scale"]),
  rule(READ, ["networking.k8s.io"], ["networkpolicies"]),
];

/** The bootstrap ClusterRoles (aggregated ones start with no rules). */
export function bootstrapClusterRoles(): Obj[] {
  return [
    clusterRole("cluster-admin", [rule(["*"], ["*"], ["*"]), urls(["*"], ["*"])]),
    clusterRole("system:discovery", [urls(["get"], DISCOVERY_URLS)]),
    clusterRole("system:public-info-viewer", [urls(["get"], HEALTH_URLS)]),
    clusterRole("system:basic-user", [
      rule(["create"], ["authentication.k8s.io"], ["selfsubjectreviews"]),
      rule(["create"], [AUTHORIZATION], ["selfsubjectaccessreviews", "selfsubjectrulesreviews"]),
    ]),
    clusterRole("system:service-account-issuer-discovery", [urls(["get"], ISSUER_URLS)]),
    clusterRole("system:auth-delegator", [
      rule(["create"], ["authentication.k8s.io"], ["tokenreviews"]),
      rule(["create"], [AUTHORIZATION], ["subjectaccessreviews"]),
    ]),
    clusterRole("system:node", NODE_RULES),
    clusterRole("admin", [], [], "admin"),
    clusterRole("edit", [], ["admin"], "edit"),
    clusterRole("view", [], ["edit"], "view"),
    clusterRole("system:aggregate-to-admin", ADMIN_RULES, ["admin"]),
    clusterRole("system:aggregate-to-edit", EDIT_RULES, ["admin", "edit"]),
    clusterRole("system:aggregate-to-view", VIEW_RULES, ["admin", "edit", "view"]),
  ];
}

/** The bootstrap ClusterRoleBindings. */
export function bootstrapClusterRoleBindings(): Obj[] {
  return [
    clusterBinding("cluster-admin", ["system:masters"]),
    clusterBinding("system:discovery", ["system:authenticated"]),
    clusterBinding("system:basic-user", ["system:authenticated"]),
    clusterBinding("system:public-info-viewer", [
      "system:authenticated",
      "system:unauthenticated",
    ]),
    clusterBinding("system:service-account-issuer-discovery", ["system:serviceaccounts"]),
    clusterBinding("system:node", ["system:nodes"]),
  ];
}

/** Creates the bootstrap roles and bindings that do not exist yet (kept when present). */
export function seedRbac(api: Api): void {
  const objs = [...bootstrapClusterRoles(), ...bootstrapClusterRoleBindings()];
  for (const o of objs) {
    const rt = api.registry.byKind(String(o.apiVersion), String(o.kind))!;
    if (api.store.get(storageKey(rt), undefined, metaOf(o).name)) continue;
    api.create(rt, undefined, o, { fieldManager: "kube-apiserver" });
  }
}

/**
 * The rules of an aggregated ClusterRole: the union, in name order, of the rules of the
 * other ClusterRoles its selectors match (undefined when it has no aggregationRule).
 */
export function aggregatedRules(role: Obj, all: Obj[]): PolicyRule[] | undefined {
  const agg = role.aggregationRule as { clusterRoleSelectors?: LabelSelectorObject[] } | undefined;
  if (!agg) return undefined;
  const self = metaOf(role).name;
  const others = all.filter((r) => metaOf(r).name !== self)
    .sort((a, b) => metaOf(a).name < metaOf(b).name ? -1 : 1);
  const out: PolicyRule[] = [];
  for (const sel of agg.clusterRoleSelectors ?? []) {
    const reqs = selectorObjectToRequirements(sel);
    for (const r of others) {
      if (!matchLabels(reqs, metaOf(r).labels as Record<string, string> | undefined)) continue;
      for (const x of (r.rules as PolicyRule[] | undefined) ?? []) {
        if (!out.some((y) => deepEqual(x, y))) out.push(x);
      }
    }
  }
  return out;
}

const CLUSTER_ROLES = `${RBAC_GROUP}/clusterroles`;

/** The aggregation controller: rewrites aggregated ClusterRoles when any ClusterRole changes. */
export class RoleAggregator {
  #api: Api;
  #timer?: ReturnType<typeof setTimeout>;
  #unsub: () => void;
  /** Called with errors of a pass (default: ignored). */
  onError: (e: unknown) => void = () => {};

  /** Runs one pass now and then after every ClusterRole change. */
  constructor(api: Api) {
    this.#api = api;
    this.#unsub = api.store.subscribe((e: StoreEvent) => {
      if (e.skey === CLUSTER_ROLES) this.#timer ??= setTimeout(() => this.#run(), 0);
    });
    this.reconcile();
  }

  #run(): void {
    this.#timer = undefined;
    try {
      this.reconcile();
    } catch (e) {
      this.onError(e);
    }
  }

  /** Recomputes the aggregated ClusterRoles until stable (at most 10 passes); returns changes. */
  reconcile(): string[] {
    const changed = new Set<string>();
    for (let pass = 0; pass < 10; pass++) {
      const names = this.#pass();
      if (names.length === 0) break;
      for (const n of names) changed.add(n);
    }
    return [...changed];
  }

  #pass(): string[] {
    const all = this.#api.store.list(CLUSTER_ROLES);
    const rt = this.#api.registry.find(RBAC_GROUP, "v1", "clusterroles")!;
    const changed: string[] = [];
    for (const role of all) {
      const rules = aggregatedRules(role, all);
      if (!rules || deepEqual(rules, role.rules ?? [])) continue;
      const name = metaOf(role).name;
      this.#api.update(rt, undefined, name, { ...role, rules }, {
        fieldManager: "clusterrole-aggregation-controller",
      });
      changed.push(name);
    }
    return changed;
  }

  /** Stops reacting to changes. */
  stop(): void {
    this.#unsub();
    if (this.#timer !== undefined) clearTimeout(this.#timer);
  }
}
