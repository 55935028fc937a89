import assert from "node:assert/strict";
import type { Attributes, UserInfo } from "./authz.ts";
import type { Obj } from "./patch.ts";
import { authorize, type PolicyRule, rulesFor, staticRbac } from "./rbac_rules.ts";

const G = "rbac.authorization.k8s.io";
const role = (kind: string, name: string, ns: string | undefined, rules: PolicyRule[]): Obj => ({
  kind,
  metadata: { name, namespace: ns },
  rules,
});
const binding = (
  kind: string,
  name: string,
  ns: string | undefined,
  ref: [string, string],
  subjects: Obj[],
): Obj => ({
  kind,
  metadata: { name, namespace: ns },
  roleRef: { apiGroup: G, kind: ref[0], name: ref[1] },
  subjects,
});
const user = (name: string) => ({ kind: "User", apiGroup: G, name });
const group = (name: string) => ({ kind: "Group", apiGroup: G, name });
const sa = (name: string, namespace?: string) => ({ kind: "ServiceAccount", name, namespace });

const SRC = staticRbac([
  role("Role", "pod-reader", "dev", [{
    verbs: ["get", "list"],
    apiGroups: [""],
    resources: ["pods"],
  }]),
  role("Role", "connect-s1", "dev", [{
    verbs: ["get"],
    apiGroups: ["nmcp.nwrx.io"],
    resources: ["mcpservers/connect"],
    resourceNames: ["s1"],
  }]),
  role("Role", "any-status", "dev", [{ verbs: ["*"], apiGroups: ["*"], resources: ["*/status"] }]),
  role("ClusterRole", "secrets", undefined, [{
    verbs: ["get"],
    apiGroups: [""],
    resources: ["secrets"],
  }]),
  role("ClusterRole", "health", undefined, [{
    verbs: ["get"],
    nonResourceURLs: ["/healthz", "/metrics/*"],
  }]),
  role("ClusterRole", "everything", undefined, [{
    verbs: ["*"],
    apiGroups: ["*"],
    resources: ["*"],
  }]),
  binding("RoleBinding", "alice-pods", "dev", ["Role", "pod-reader"], [user("alice")]),
  binding("RoleBinding", "bar-connect", "dev", ["Role", "connect-s1"], [sa("bar")]),
  binding("RoleBinding", "g-status", "dev", ["Role", "any-status"], [group("ops")]),
  binding("RoleBinding", "secrets-in-dev", "dev", ["ClusterRole", "secrets"], [user("carol")]),
  binding("RoleBinding", "dangling", "dev", ["Role", "gone"], [user("dave")]),
  binding("ClusterRoleBinding", "health", undefined, ["ClusterRole", "health"], [
    group("system:authenticated"),
  ]),
  binding("ClusterRoleBinding", "root", undefined, ["ClusterRole", "everything"], [
    sa("ci", "tools"),
    sa("nons"),
  ]),
]);

const U = (username: string, ...groups: string[]): UserInfo => ({
  username,
  groups: [...groups, "system:authenticated"],
});
const res = (
  verb: string,
  group: string,
  resource: string,
  ns = "",
  name = "",
  subresource = "",
): Attributes => ({
  verb,
  resourceRequest: true,
  path: "",
  apiGroup: group,
  apiVersion: "v1",
  namespace: ns,
  resource,
  subresource,
  name,
});
const url = (verb: string, path: string): Attributes => ({
  ...res(verb, "", ""),
  resourceRequest: false,
  path,
});
const BAR = U(
  "system:serviceaccount:dev:bar",
  "system:serviceaccounts",
  "system:serviceaccounts:dev",
);

const CASES: [string, UserInfo, Attributes, boolean, string?][] = [
  ["role grants its verbs in its namespace", U("alice"), res("list", "", "pods", "dev"), true],
  ["not another verb", U("alice"), res("delete", "", "pods", "dev", "p"), false],
  ["not another namespace", U("alice"), res("list", "", "pods", "prod"), false],
  ["not cluster-wide", U("alice"), res("list", "", "pods"), false],
  ["not another group's pods", U("alice"), res("list", "x.io", "pods", "dev"), false],
  ["not a subresource of pods", U("alice"), res("get", "", "pods", "dev", "p", "log"), false],
  [
    "resourceNames match the name",
    BAR,
    res("get", "nmcp.nwrx.io", "mcpservers", "dev", "s1", "connect"),
    true,
  ],
  [
    "resourceNames refuse another name",
    BAR,
    res("get", "nmcp.nwrx.io", "mcpservers", "dev", "s2", "connect"),
    false,
  ],
  [
    "resourceNames refuse no name",
    BAR,
    res("get", "nmcp.nwrx.io", "mcpservers", "dev", "", "connect"),
    false,
  ],
  [
    "the subresource is not the resource",
    BAR,
    res("get", "nmcp.nwrx.io", "mcpservers", "dev", "s1"),
    false,
  ],
  [
    "a SA subject without namespace is the binding's",
    U("system:serviceaccount:prod:bar"),
    res("get", "nmcp.nwrx.io", "mcpservers", "dev", "s1", "connect"),
    false,
  ],
  [
    "*/status matches any status",
    U("eve", "ops"),
    res("patch", "apps", "deployments", "dev", "d", "status"),
    true,
  ],
  [
    "*/status not the main resource",
    U("eve", "ops"),
    res("patch", "apps", "deployments", "dev", "d"),
    false,
  ],
  ["a ClusterRole bound in a namespace", U("carol"), res("get", "", "secrets", "dev", "s"), true],
  ["only in that namespace", U("carol"), res("get", "", "secrets", "prod", "s"), false],
  ["non-resource exact URL", U("x"), url("get", "/healthz"), true],
  ["non-resource prefix URL", U("x"), url("get", "/metrics/cadvisor"), true],
  ["non-resource prefix is not the bare path", U("x"), url("get", "/metrics"), false],
  ["non-resource other verb", U("x"), url("post", "/healthz"), false],
  [
    "a ClusterRoleBinding SA subject",
    U("system:serviceaccount:tools:ci"),
    res("delete", "apps", "deployments", "a", "b"),
    true,
  ],
  [
    "a ClusterRoleBinding SA subject needs a namespace",
    U("system:serviceaccount:default:nons"),
    res("get", "", "pods", "default"),
    false,
  ],
  ["system:masters may do anything", U("root", "system:masters"), res("escalate", "x", "y"), true],
  [
    "groups of the user count",
    U("mallory", "ops"),
    res("get", "", "pods", "dev", "p", "status"),
    true,
  ],
];

Deno.test("authorize() table: roles, cluster roles, subjects, subresources, names, URLs", () => {
  for (const [what, u, a, allowed] of CASES) {
    assert.equal(authorize(SRC, u, a).allowed, allowed, what);
  }
});

Deno.test("authorize() gives RBAC's reasons: the granting binding, or resolution errors", () => {
  assert.equal(
    authorize(SRC, U("alice"), res("get", "", "pods", "dev", "p")).reason,
    'RBAC: allowed by RoleBinding "alice-pods/dev" of Role "pod-reader" to User "alice"',
  );
  assert.equal(
    authorize(SRC, BAR, res("get", "nmcp.nwrx.io", "mcpservers", "dev", "s1", "connect")).reason,
    'RBAC: allowed by RoleBinding "bar-connect/dev" of Role "connect-s1" to ServiceAccount "bar/dev"',
  );
  assert.equal(
    authorize(SRC, U("x"), url("get", "/healthz")).reason,
    'RBAC: allowed by ClusterRoleBinding "health" of ClusterRole "health" to Group "system:authenticated"',
  );
  assert.deepEqual(authorize(SRC, U("alice"), res("get", "", "pods", "prod")), {
    allowed: false,
    reason: "",
  });
  assert.deepEqual(authorize(SRC, U("dave"), res("get", "", "pods", "dev")), {
    allowed: false,
    reason: 'RBAC: role.rbac.authorization.k8s.io "gone" not found',
  });
});

Deno.test("rulesFor() collects cluster-wide and namespace rules with errors", () => {
  const r = rulesFor(SRC, U("dave"), "dev");
  assert.deepEqual(r.errors, ['role.rbac.authorization.k8s.io "gone" not found']);
  assert.deepEqual(r.rules, [{ verbs: ["get"], nonResourceURLs: ["/healthz", "/metrics/*"] }]);
  assert.equal(rulesFor(SRC, U("alice"), "dev").rules.length, 2);
  assert.equal(rulesFor(SRC, U("alice"), "").rules.length, 1);
});
