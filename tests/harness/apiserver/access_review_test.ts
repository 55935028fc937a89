import assert from "node:assert/strict";
import { thrown } from "./_testing.ts";
import { answerReview } from "./access_review.ts";
import { staticRbac } from "./rbac_rules.ts";
import { Registry } from "./resources.ts";

const G = "rbac.authorization.k8s.io";
const SRC = staticRbac([
  {
    kind: "Role",
    metadata: { name: "r", namespace: "dev" },
    rules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["p"] }],
  },
  {
    kind: "RoleBinding",
    metadata: { name: "rb", namespace: "dev" },
    roleRef: { apiGroup: G, kind: "Role", name: "r" },
    subjects: [{ kind: "Group", apiGroup: G, name: "team" }],
  },
]);
const reg = new Registry();
const kind = (plural: string) => reg.find("authorization.k8s.io", "v1", plural)!;
const ME = { username: "me", groups: ["team", "system:authenticated"] };
const attrs = { verb: "get", resource: "pods", name: "p" };

Deno.test("answerReview(): local reviews take the path's namespace; self reviews use the caller", () => {
  const local = answerReview(SRC, ME, kind("localsubjectaccessreviews"), "dev", {
    spec: { groups: ["team"], resourceAttributes: attrs },
  });
  assert.equal((local.status as { allowed: boolean }).allowed, true);
  assert.equal(local.kind, "LocalSubjectAccessReview");
  const mismatch = thrown(() =>
    answerReview(SRC, ME, kind("localsubjectaccessreviews"), "dev", {
      spec: { groups: ["team"], resourceAttributes: { ...attrs, namespace: "prod" } },
    })
  );
  assert.equal(mismatch.message, "spec.resourceAttributes.namespace must match namespace: dev");
  const self = answerReview(SRC, ME, kind("selfsubjectaccessreviews"), undefined, {
    spec: { resourceAttributes: { ...attrs, namespace: "dev" } },
  });
  assert.deepEqual(self.status, {
    allowed: true,
    reason: 'RBAC: allowed by RoleBinding "rb/dev" of Role "r" to Group "team"',
  });
  const rules = answerReview(SRC, ME, kind("selfsubjectrulesreviews"), undefined, {
    spec: { namespace: "dev" },
  });
  assert.deepEqual(rules.status, {
    resourceRules: [{ verbs: ["get"], apiGroups: [""], resources: ["pods"], resourceNames: ["p"] }],
    nonResourceRules: [],
    incomplete: false,
  });
});

Deno.test("answerReview() rejects specs the API server's validation rejects (422)", () => {
  const both = thrown(() =>
    answerReview(SRC, ME, kind("subjectaccessreviews"), undefined, {
      spec: {
        user: "x",
        resourceAttributes: attrs,
        nonResourceAttributes: { path: "/", verb: "get" },
      },
    })
  );
  assert.equal(both.code, 422);
  assert.match(
    both.message,
    /spec.nonResourceAttributes: Invalid value: "object": cannot be specified/,
  );
  const none = thrown(() =>
    answerReview(SRC, ME, kind("subjectaccessreviews"), undefined, { spec: {} })
  );
  assert.equal(
    none.message,
    'SubjectAccessReview.authorization.k8s.io "" is invalid: [spec.resourceAttributes: Invalid value: null: exactly one of nonResourceAttributes or resourceAttributes must be specified, spec.user: Invalid value: "": at least one of user or group must be specified]',
  );
});
