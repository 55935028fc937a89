import assert from "node:assert/strict";
import { checkRbacWrite, compactString, missingRules } from "./escalation.ts";
import type { Obj } from "./patch.ts";
import { type PolicyRule, RBAC_GROUP, staticRbac } from "./rbac_rules.ts";
import { Registry } from "./resources.ts";
import type { ApiError } from "./status.ts";

const pods = (verbs: string[], extra: Partial<PolicyRule> = {}): PolicyRule => ({
  verbs,
  apiGroups: [""],
  resources: ["pods"],
  ...extra,
});

Deno.test("missingRules() splits requested rules and keeps what no owned rule covers", () => {
  assert.deepEqual(missingRules([pods(["get", "list"])], [pods(["get"])]), []);
  assert.deepEqual(missingRules([pods(["get"])], [pods(["get", "delete"])]), [pods(["delete"])]);
  assert.deepEqual(
    missingRules([pods(["get"], { resourceNames: ["a"] })], [pods(["get"])]),
    [pods(["get"])],
  );
  assert.deepEqual(missingRules([pods(["get"])], [pods(["get"], { resourceNames: ["a"] })]), []);
  const anyStatus = { verbs: ["*"], apiGroups: ["*"], resources: ["*/status"] };
  assert.deepEqual(
    missingRules([anyStatus], [pods(["patch"], { resources: ["pods/status"] })]),
    [],
  );
  assert.deepEqual(
    missingRules([{ verbs: ["get"], nonResourceURLs: ["/metrics/*"] }], [
      { verbs: ["get"], nonResourceURLs: ["/metrics/x", "/healthz"] },
    ]),
    [{ verbs: ["get"], nonResourceURLs: ["/healthz"] }],
  );
  assert.equal(
    compactString(pods(["get", "list"], { resourceNames: ["a"] })),
    '{APIGroups:[""], Resources:["pods"], ResourceNames:["a"], Verbs:["get" "list"]}',
  );
});

const G = RBAC_GROUP;
const reg = new Registry();
const kind = (plural: string) => reg.find(G, "v1", plural)!;
const SRC = staticRbac([
  { kind: "Role", metadata: { name: "pod-admin", namespace: "dev" }, rules: [pods(["*"])] },
  {
    kind: "ClusterRole",
    metadata: { name: "rbac-writer" },
    rules: [{
      verbs: ["create", "update", "patch"],
      apiGroups: [G],
      resources: ["roles", "rolebindings"],
    }],
  },
  {
    kind: "ClusterRole",
    metadata: { name: "nodes" },
    rules: [{ verbs: ["get"], apiGroups: [""], resources: ["nodes"] }],
  },
  {
    kind: "ClusterRole",
    metadata: { name: "binder" },
    rules: [{
      verbs: ["bind"],
      apiGroups: [G],
      resources: ["clusterroles"],
      resourceNames: ["nodes"],
    }],
  },
  ...["pod-admin", "rbac-writer"].map((r): Obj => ({
    kind: "RoleBinding",
    metadata: { name: r, namespace: "dev" },
    roleRef: { apiGroup: G, kind: r === "pod-admin" ? "Role" : "ClusterRole", name: r },
    subjects: [{ kind: "User", apiGroup: G, name: "alice" }],
  })),
  {
    kind: "ClusterRoleBinding",
    metadata: { name: "binder" },
    roleRef: { apiGroup: G, kind: "ClusterRole", name: "binder" },
    subjects: [{ kind: "User", apiGroup: G, name: "carol" }],
  },
]);
const ALICE = { username: "alice", groups: ["system:authenticated"] };
const role = (rules: PolicyRule[]): Obj => ({ metadata: { name: "r" }, rules });
const binding = (k: string, name: string): Obj => ({
  metadata: { name: "b" },
  roleRef: { apiGroup: G, kind: k, name },
  subjects: [{ kind: "User", apiGroup: G, name: "bob" }],
});
const err = (f: () => void): string => {
  try {
    f();
  } catch (e) {
    const x = e as ApiError;
    return `${x.code} ${x.message}`;
  }
  return "";
};

Deno.test("checkRbacWrite(): roles need the permissions they grant, bindings the role's or bind", () => {
  const roles = kind("roles"), bindings = kind("rolebindings");
  assert.equal(err(() => checkRbacWrite(SRC, ALICE, roles, "dev", role([pods(["get"])]))), "");
  assert.equal(
    err(() =>
      checkRbacWrite(
        SRC,
        ALICE,
        roles,
        "dev",
        role([pods(["get"]), { verbs: ["get"], apiGroups: [""], resources: ["secrets"] }]),
      )
    ),
    '403 roles.rbac.authorization.k8s.io "r" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["secrets"], Verbs:["get"]}',
  );
  assert.match(
    err(() => checkRbacWrite(SRC, ALICE, roles, "prod", role([pods(["get"])]))),
    /^403 /,
  );
  assert.equal(
    err(() => checkRbacWrite(SRC, ALICE, bindings, "dev", binding("Role", "pod-admin"))),
    "",
  );
  assert.match(
    err(() => checkRbacWrite(SRC, ALICE, bindings, "dev", binding("ClusterRole", "nodes"))),
    /^403 rolebindings.rbac.authorization.k8s.io "b" is forbidden: .*\n\{APIGroups:\[""\], Resources:\["nodes"\], Verbs:\["get"\]\}$/,
  );
  assert.equal(
    err(() => checkRbacWrite(SRC, ALICE, bindings, "dev", binding("ClusterRole", "nope"))),
    '403 rolebindings.rbac.authorization.k8s.io "b" is forbidden: clusterrole.rbac.authorization.k8s.io "nope" not found',
  );
  const carol = { username: "carol", groups: ["system:authenticated"] };
  assert.equal(
    err(() =>
      checkRbacWrite(
        SRC,
        carol,
        kind("clusterrolebindings"),
        undefined,
        binding("ClusterRole", "nodes"),
      )
    ),
    "",
  );
  const admin = { username: "root", groups: ["system:masters"] };
  assert.equal(
    err(() =>
      checkRbacWrite(
        SRC,
        admin,
        kind("clusterroles"),
        undefined,
        role([{ verbs: ["*"], nonResourceURLs: ["*"] }]),
      )
    ),
    "",
  );
  const agg = { ...role([]), aggregationRule: { clusterRoleSelectors: [{}] } };
  assert.match(
    err(() => checkRbacWrite(SRC, ALICE, kind("clusterroles"), undefined, agg)),
    /must have cluster-admin privileges to use the aggregationRule/,
  );
});
