import assert from "node:assert/strict";
import { waitFor } from "./_testing.ts";
import { Api } from "./api.ts";
import { type Attributes, requestAttributes, type UserInfo } from "./authz.ts";
import { aggregatedRules, RoleAggregator, seedRbac } from "./bootstrap_rbac.ts";
import type { Obj } from "./patch.ts";
import { authorize, type PolicyRule, RBAC_GROUP, storeRbac } from "./rbac_rules.ts";
import { Registry } from "./resources.ts";
import { Store } from "./store.ts";

function cluster(): { api: Api; aggregator: RoleAggregator } {
  const api = new Api(new Store(), new Registry());
  const ns = api.registry.find("", "v1", "namespaces")!;
  for (const name of ["default", "dev"]) api.create(ns, undefined, { metadata: { name } });
  seedRbac(api);
  return { api, aggregator: new RoleAggregator(api) };
}

const rt = (api: Api, plural: string) => api.registry.find(RBAC_GROUP, "v1", plural)!;
const rulesOf = (api: Api, name: string) =>
  (api.get(rt(api, "clusterroles"), undefined, name).rules ?? []) as PolicyRule[];
const grants = (rules: PolicyRule[], resource: string, verb: string) =>
  rules.some((r) => r.resources?.includes(resource) && r.verbs.includes(verb));

function bind(api: Api, ns: string, role: string, subject: Obj): void {
  api.create(rt(api, "rolebindings"), ns, {
    metadata: { name: `${role}-binding` },
    roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: role },
    subjects: [subject],
  });
}

const U = "https://127.0.0.1";
const can = (api: Api, user: UserInfo, method: string, path: string) =>
  authorize(storeRbac(api.store), user, requestAttributes(method, new URL(U + path))).allowed;
const attrs = (a: Partial<Attributes>): Attributes => ({
  verb: "get",
  resourceRequest: true,
  path: "",
  apiGroup: "",
  apiVersion: "v1",
  namespace: "",
  resource: "",
  subresource: "",
  name: "",
  ...a,
});

Deno.test("bootstrap: view, edit and admin aggregate their system:aggregate-to-* rules", () => {
  const { api, aggregator } = cluster();
  try {
    const view = rulesOf(api, "view"), edit = rulesOf(api, "edit"), admin = rulesOf(api, "admin");
    assert.ok(grants(view, "pods", "list") && grants(view, "pods/log", "get"));
    assert.ok(!grants(view, "secrets", "get"), "view must not read secrets");
    assert.ok(grants(edit, "secrets", "get") && grants(edit, "pods/exec", "create"));
    assert.ok(grants(edit, "pods/portforward", "create") && grants(edit, "pods", "list"));
    assert.ok(!grants(edit, "roles", "create"), "edit must not write roles");
    assert.ok(grants(admin, "rolebindings", "create") && grants(admin, "pods/exec", "create"));
    const meta = api.get(rt(api, "clusterroles"), undefined, "view").metadata as Obj;
    assert.equal((meta.labels as Obj)["kubernetes.io/bootstrapping"], "rbac-defaults");
  } finally {
    aggregator.stop();
  }
});

Deno.test("bootstrap: a CRD's aggregate-to-view role shows up in view, edit and admin, and leaves", async () => {
  const { api, aggregator } = cluster();
  try {
    const crs = rt(api, "clusterroles");
    api.create(crs, undefined, {
      metadata: {
        name: "nmcp-viewer",
        labels: { "rbac.authorization.k8s.io/aggregate-to-view": "true" },
      },
      rules: [{ verbs: ["get", "list"], apiGroups: ["nmcp.nwrx.io"], resources: ["mcpservers"] }],
    });
    for (const name of ["view", "edit", "admin"]) {
      await waitFor(() => grants(rulesOf(api, name), "mcpservers", "list"), 2000, name);
    }
    const sa = {
      username: "system:serviceaccount:dev:reader",
      groups: ["system:serviceaccounts", "system:authenticated"],
    };
    bind(api, "dev", "view", { kind: "ServiceAccount", name: "reader", namespace: "dev" });
    assert.ok(can(api, sa, "GET", "/apis/nmcp.nwrx.io/v1/namespaces/dev/mcpservers"));
    assert.ok(!can(api, sa, "GET", "/apis/nmcp.nwrx.io/v1/namespaces/default/mcpservers"));
    api.delete(crs, undefined, "nmcp-viewer", {});
    await waitFor(() => !grants(rulesOf(api, "view"), "mcpservers", "list"), 2000, "removal");
    assert.ok(!can(api, sa, "GET", "/apis/nmcp.nwrx.io/v1/namespaces/dev/mcpservers"));
  } finally {
    aggregator.stop();
  }
});

Deno.test("bootstrap: discovery for the authenticated, reviews, the node role, auth-delegator", () => {
  const { api, aggregator } = cluster();
  try {
    const anyone = { username: "x", groups: ["system:authenticated"] };
    for (const p of ["/version", "/api", "/apis/apps/v1", "/openapi/v3", "/healthz"]) {
      assert.ok(can(api, anyone, "GET", p), p);
    }
    assert.ok(!can(api, anyone, "GET", "/metrics"));
    assert.ok(can(api, anyone, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews"));
    assert.ok(!can(api, anyone, "POST", "/apis/authorization.k8s.io/v1/subjectaccessreviews"));
    assert.ok(!can(api, anyone, "GET", "/api/v1/namespaces/default/pods"));
    const node = {
      username: "system:node:harness-node",
      groups: ["system:nodes", "system:authenticated"],
    };
    const pod = "/api/v1/namespaces/dev/pods/p";
    assert.ok(can(api, node, "GET", "/api/v1/pods?watch=true"));
    assert.ok(can(api, node, "PATCH", `${pod}/status`));
    assert.ok(can(api, node, "POST", `${pod}/binding`));
    assert.ok(can(api, node, "DELETE", pod));
    assert.ok(can(api, node, "POST", "/api/v1/namespaces/dev/serviceaccounts/default/token"));
    assert.ok(can(api, node, "GET", "/api/v1/namespaces/dev/secrets/s"));
    assert.ok(!can(api, node, "DELETE", "/api/v1/namespaces/dev/secrets/s"));
    assert.ok(!can(api, node, "POST", "/api/v1/namespaces/dev/pods"));
    const delegator = { username: "op", groups: ["system:authenticated"] };
    bind(api, "dev", "system:auth-delegator", { kind: "User", apiGroup: RBAC_GROUP, name: "op" });
    const sar = attrs({
      verb: "create",
      apiGroup: "authorization.k8s.io",
      resource: "subjectaccessreviews",
    });
    assert.ok(
      !authorize(storeRbac(api.store), delegator, sar).allowed,
      "a RoleBinding is not cluster-wide",
    );
  } finally {
    aggregator.stop();
  }
});

Deno.test("aggregatedRules() unions matching roles once, skipping itself; none without a rule", () => {
  const r = (name: string, labels: Obj, rules: PolicyRule[], sel?: Obj): Obj => ({
    metadata: { name, labels },
    rules,
    ...(sel ? { aggregationRule: { clusterRoleSelectors: [sel] } } : {}),
  });
  const a = { verbs: ["get"], apiGroups: [""], resources: ["pods"] };
  const b = { verbs: ["list"], apiGroups: [""], resources: ["pods"] };
  const agg = r("agg", { x: "1" }, [], { matchLabels: { x: "1" } });
  const all = [agg, r("z", { x: "1" }, [b, a]), r("m", { x: "1" }, [a]), r("o", { x: "2" }, [b])];
  assert.deepEqual(aggregatedRules(agg, all), [a, b]);
  assert.equal(aggregatedRules(all[1], all), undefined);
  const expr = r("e", {}, [], { matchExpressions: [{ key: "x", operator: "In", values: ["2"] }] });
  assert.deepEqual(aggregatedRules(expr, [...all, expr]), [b]);
});
