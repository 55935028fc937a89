import assert from "node:assert/strict";
import { thrown } from "./_testing.ts";
import { impersonate, impersonationRequests, splitServiceAccountUsername } from "./impersonate.ts";
import { staticRbac } from "./rbac_rules.ts";

const G = "rbac.authorization.k8s.io";
const SRC = staticRbac([
  {
    kind: "ClusterRole",
    metadata: { name: "imp" },
    rules: [
      { verbs: ["impersonate"], apiGroups: [""], resources: ["users"], resourceNames: ["alice"] },
      { verbs: ["impersonate"], apiGroups: [""], resources: ["groups"] },
      {
        verbs: ["impersonate"],
        apiGroups: ["authentication.k8s.io"],
        resources: ["uids", "userextras/scopes"],
      },
    ],
  },
  {
    kind: "Role",
    metadata: { name: "imp-sa", namespace: "dev" },
    rules: [{ verbs: ["impersonate"], apiGroups: [""], resources: ["serviceaccounts"] }],
  },
  {
    kind: "ClusterRoleBinding",
    metadata: { name: "imp" },
    roleRef: { apiGroup: G, kind: "ClusterRole", name: "imp" },
    subjects: [{ kind: "User", apiGroup: G, name: "ops" }],
  },
  {
    kind: "RoleBinding",
    metadata: { name: "imp-sa", namespace: "dev" },
    roleRef: { apiGroup: G, kind: "Role", name: "imp-sa" },
    subjects: [{ kind: "User", apiGroup: G, name: "ops" }],
  },
]);
const OPS = { username: "ops", groups: ["system:authenticated"] };
const h = (pairs: [string, string][]) => {
  const out = new Headers();
  for (const [k, v] of pairs) out.append(k, v);
  return out;
};

Deno.test("impersonate() switches to the named user, SA or groups when each part is allowed", () => {
  assert.equal(impersonate(SRC, OPS, h([])), OPS);
  assert.deepEqual(impersonate(SRC, OPS, h([["Impersonate-User", "alice"]])), {
    username: "alice",
    groups: ["system:authenticated"],
  });
  assert.deepEqual(
    impersonate(SRC, OPS, h([["Impersonate-User", "system:serviceaccount:dev:bar"]])),
    {
      username: "system:serviceaccount:dev:bar",
      groups: ["system:serviceaccounts", "system:serviceaccounts:dev", "system:authenticated"],
    },
  );
  assert.deepEqual(
    impersonate(
      SRC,
      OPS,
      h([
        ["Impersonate-User", "alice"],
        ["Impersonate-Group", "a"],
        ["Impersonate-Group", "b"],
        ["Impersonate-Uid", "u-1"],
        ["Impersonate-Extra-Scopes", "s1"],
      ]),
    ),
    {
      username: "alice",
      uid: "u-1",
      groups: ["a", "b", "system:authenticated"],
      extra: { scopes: ["s1"] },
    },
  );
  assert.deepEqual(
    impersonate(
      SRC,
      OPS,
      h([["Impersonate-User", "alice"], ["Impersonate-Group", "system:authenticated"]]),
    )
      .groups,
    ["system:authenticated"],
  );
});

Deno.test("impersonate() refuses without the impersonate verb with the API server's 403", () => {
  const bob = { username: "bob", groups: ["system:authenticated"] };
  const e = thrown(() => impersonate(SRC, bob, h([["Impersonate-User", "alice"]])));
  assert.equal(e.code, 403);
  assert.equal(
    e.message,
    'users "alice" is forbidden: User "bob" cannot impersonate resource "users" in API group "" at the cluster scope',
  );
  const other = thrown(() => impersonate(SRC, OPS, h([["Impersonate-User", "carol"]])));
  assert.match(other.message, /^users "carol" is forbidden: User "ops" cannot impersonate/);
  const sa = thrown(() =>
    impersonate(SRC, OPS, h([["Impersonate-User", "system:serviceaccount:prod:bar"]]))
  );
  assert.equal(
    sa.message,
    'serviceaccounts "bar" is forbidden: User "ops" cannot impersonate resource "serviceaccounts" in API group "" in the namespace "prod"',
  );
  const extra = thrown(() =>
    impersonate(SRC, OPS, h([["Impersonate-User", "alice"], ["Impersonate-Extra-Other", "x"]]))
  );
  assert.match(
    extra.message,
    /cannot impersonate resource "userextras\/other" in API group "authentication.k8s.io"/,
  );
});

Deno.test("impersonationRequests() needs a user with groups, extra or uid (400)", () => {
  const e = thrown(() => impersonationRequests(h([["Impersonate-Group", "g"]])));
  assert.equal(e.code, 400);
  assert.equal(e.message, "requested [{Group  g    }] without impersonating a user");
  assert.deepEqual(splitServiceAccountUsername("system:serviceaccount:ns:n"), {
    namespace: "ns",
    name: "n",
  });
  assert.equal(splitServiceAccountUsername("system:serviceaccount:ns:n:x"), undefined);
  assert.equal(splitServiceAccountUsername("system:serviceaccount:NS:n"), undefined);
});
