import assert from "node:assert/strict";
import { startTestCluster, type TestCluster, waitFor } from "./_testing.ts";

const CRD = await Deno.readTextFile(
  new URL("../../../crds/nmcp.nwrx.io_mcpservers.yaml", import.meta.url),
);

async function ok(c: TestCluster, args: string[], stdin?: string): Promise<string> {
  const r = await c.kubectl(args, stdin);
  assert.equal(r.code, 0, `kubectl ${args.join(" ")}: ${r.stderr}`);
  return r.stdout;
}

async function json(c: TestCluster, args: string[]): Promise<Record<string, unknown>> {
  return JSON.parse(await ok(c, [...args, "-o", "json"]));
}

async function withCrd(c: TestCluster): Promise<void> {
  await ok(c, ["apply", "-f", "-"], CRD);
  await ok(c, ["wait", "--for=condition=Established", "crd/mcpservers.nmcp.nwrx.io"]);
}

Deno.test("kubectl create role|clusterrole|rolebinding|clusterrolebinding sends protobuf the server decodes", async () => {
  const c = await startTestCluster();
  try {
    await withCrd(c);
    await ok(c, [
      "create",
      "role",
      "r",
      "--verb=get,list",
      "--resource=pods,mcpservers.nmcp.nwrx.io",
      "--resource-name=x",
    ]);
    assert.deepEqual((await json(c, ["get", "role", "r"])).rules, [
      { apiGroups: [""], resources: ["pods"], resourceNames: ["x"], verbs: ["get", "list"] },
      {
        apiGroups: ["nmcp.nwrx.io"],
        resources: ["mcpservers"],
        resourceNames: ["x"],
        verbs: ["get", "list"],
      },
    ]);
    await ok(c, [
      "create",
      "clusterrole",
      "mon",
      "--aggregation-rule=example.com/aggregate-to-mon=true",
    ]);
    assert.deepEqual((await json(c, ["get", "clusterrole", "mon"])).aggregationRule, {
      clusterRoleSelectors: [{ matchLabels: { "example.com/aggregate-to-mon": "true" } }],
    });
    await ok(c, [
      "create",
      "rolebinding",
      "rb",
      "--role=r",
      "--serviceaccount=ns1:sa",
      "--user=alice",
      "--group=g",
    ]);
    const rb = await json(c, ["get", "rolebinding", "rb"]);
    assert.deepEqual(rb.roleRef, {
      apiGroup: "rbac.authorization.k8s.io",
      kind: "Role",
      name: "r",
    });
    assert.deepEqual(rb.subjects, [
      { apiGroup: "rbac.authorization.k8s.io", kind: "User", name: "alice" },
      { apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "g" },
      { kind: "ServiceAccount", name: "sa", namespace: "ns1" },
    ]);
    await ok(c, ["create", "clusterrolebinding", "crb", "--clusterrole=view", "--group=g"]);
    const crb = await json(c, ["get", "clusterrolebinding", "crb"]);
    assert.equal((crb.roleRef as { name: string }).name, "view");
    const views = await ok(c, [
      "get",
      "clusterroles",
      "-l",
      "kubernetes.io/bootstrapping=rbac-defaults",
      "-o",
      "name",
    ]);
    for (
      const n of ["cluster-admin", "admin", "edit", "view", "system:auth-delegator", "system:node"]
    ) {
      assert.ok(views.includes(`clusterrole.rbac.authorization.k8s.io/${n}\n`), n);
    }
  } finally {
    await c.close();
  }
});

Deno.test("kubectl auth can-i --as a ServiceAccount answers yes/no with exit 0/1, following bindings", async () => {
  const c = await startTestCluster();
  try {
    await withCrd(c);
    const as = "--as=system:serviceaccount:default:bar";
    const ask = [
      "auth",
      "can-i",
      "get",
      "mcpservers",
      "--subresource=connect",
      as,
      "-n",
      "default",
    ];
    const before = await c.kubectl(ask);
    assert.deepEqual([before.code, before.stdout.trim()], [1, "no"], before.stderr);
    await ok(c, [
      "create",
      "role",
      "connect",
      "--verb=get",
      "--resource=mcpservers.nmcp.nwrx.io/connect",
    ]);
    await ok(c, [
      "create",
      "rolebinding",
      "connect",
      "--role=connect",
      "--serviceaccount=default:bar",
    ]);
    const after = await c.kubectl(ask);
    assert.deepEqual([after.code, after.stdout.trim()], [0, "yes"], after.stderr);
    const elsewhere = await c.kubectl([...ask.slice(0, -1), "kube-system"]);
    assert.deepEqual([elsewhere.code, elsewhere.stdout.trim()], [1, "no"]);
    const other = await c.kubectl([...ask.slice(0, 5), "--as=system:serviceaccount:default:baz"]);
    assert.deepEqual([other.code, other.stdout.trim()], [1, "no"]);
    // As against a real cluster, TYPE/NAME: "mcpservers/connect" asks about the server "connect".
    const named = await c.kubectl(["auth", "can-i", "get", "mcpservers/connect", as]);
    assert.deepEqual([named.code, named.stdout.trim()], [1, "no"]);
    const list = await ok(c, ["auth", "can-i", "--list", "--as=system:serviceaccount:default:bar"]);
    assert.match(list, /^mcpservers\.nmcp\.nwrx\.io\/connect\s+\[\]\s+\[\]\s+\[get\]$/m);
    assert.match(
      list,
      /^selfsubjectaccessreviews\.authorization\.k8s\.io\s+\[\]\s+\[\]\s+\[create\]$/m,
    );
    const admin = await c.kubectl(["auth", "can-i", "*", "*"]);
    assert.deepEqual([admin.code, admin.stdout.trim()], [0, "yes"]);
  } finally {
    await c.close();
  }
});

Deno.test("requests as an unbound user get the API server's 403 through kubectl and HTTP", async () => {
  const c = await startTestCluster();
  const client = Deno.createHttpClient({ caCerts: [c.server.caCertPem] });
  try {
    const list = await c.kubectl(["get", "pods", "--as=bob"]);
    assert.equal(list.code, 1);
    assert.equal(
      list.stderr.trim(),
      'Error from server (Forbidden): pods is forbidden: User "bob" cannot list resource "pods" in API group "" in the namespace "default"',
    );
    const one = await c.kubectl(["get", "ns", "kube-system", "--as=bob"]);
    assert.match(
      one.stderr,
      /namespaces "kube-system" is forbidden: User "bob" cannot get resource "namespaces" in API group "" in the namespace "kube-system"/,
    );
    const nodes = await c.kubectl(["get", "nodes", "--as=bob"]);
    assert.match(
      nodes.stderr,
      /nodes is forbidden: User "bob" cannot list resource "nodes" in API group "" at the cluster scope/,
    );
    const get = (path: string, headers: Record<string, string>) =>
      fetch(`${c.server.url}${path}`, {
        client,
        headers: { authorization: `Bearer ${c.server.token}`, ...headers },
      });
    const path = await get("/metrics", { "impersonate-user": "bob" });
    assert.equal(path.status, 403);
    const body = await path.json();
    assert.equal(body.message, 'forbidden: User "bob" cannot get path "/metrics"');
    assert.equal(body.reason, "Forbidden");
    await ok(c, ["create", "role", "exec-get", "--verb=get", "--resource=pods,pods/exec"]);
    await ok(c, ["create", "rolebinding", "exec-get", "--role=exec-get", "--user=bob"]);
    const exec = await get("/api/v1/namespaces/default/pods/p/exec?command=sh", {
      "impersonate-user": "bob",
    });
    assert.equal(exec.status, 403);
    assert.equal(
      (await exec.json()).message,
      'pods "p" is forbidden: User "bob" cannot create resource "pods/exec" in API group "" in the namespace "default"',
    );
    const noUser = await get("/api", { "impersonate-group": "g" });
    assert.equal(noUser.status, 400);
    await noUser.body?.cancel();
  } finally {
    client.close();
    await c.close();
  }
});

Deno.test("SubjectAccessReview through kubectl create, refused to a user without auth-delegator", async () => {
  const c = await startTestCluster();
  try {
    await ok(c, [
      "create",
      "rolebinding",
      "alice-view",
      "--clusterrole=view",
      "--user=alice",
      "-n",
      "default",
    ]);
    const sar = (user: string) =>
      JSON.stringify({
        apiVersion: "authorization.k8s.io/v1",
        kind: "SubjectAccessReview",
        spec: {
          user,
          resourceAttributes: { namespace: "default", verb: "list", resource: "pods" },
        },
      });
    const yes = JSON.parse(await ok(c, ["create", "-f", "-", "-o", "json"], sar("alice")));
    assert.equal(yes.status.allowed, true);
    assert.equal(
      yes.status.reason,
      'RBAC: allowed by RoleBinding "alice-view/default" of ClusterRole "view" to User "alice"',
    );
    const no = JSON.parse(await ok(c, ["create", "-f", "-", "-o", "json"], sar("carol")));
    assert.deepEqual(no.status, { allowed: false });
    const refused = await c.kubectl(["create", "-f", "-", "--as=alice"], sar("alice"));
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /subjectaccessreviews.authorization.k8s.io is forbidden: User "alice" cannot create resource "subjectaccessreviews" in API group "authorization.k8s.io" at the cluster scope/,
    );
    await ok(c, [
      "create",
      "clusterrolebinding",
      "alice-delegator",
      "--clusterrole=system:auth-delegator",
      "--user=alice",
    ]);
    const allowed = JSON.parse(
      await ok(c, ["create", "-f", "-", "-o", "json", "--as=alice"], sar("alice")),
    );
    assert.equal(allowed.status.allowed, true);
    const invalid = await c.kubectl(["create", "-f", "-"], sar(""));
    assert.match(
      invalid.stderr,
      /spec.user: Invalid value: "": at least one of user or group must be specified/,
    );
    const seen = await ok(c, ["api-resources", "--api-group=authorization.k8s.io", "-o", "name"]);
    for (
      const r of [
        "localsubjectaccessreviews",
        "selfsubjectaccessreviews",
        "selfsubjectrulesreviews",
        "subjectaccessreviews",
      ]
    ) {
      assert.ok(seen.includes(`${r}.authorization.k8s.io`), r);
    }
  } finally {
    await c.close();
  }
});

Deno.test("a namespace admin may grant what it holds, not more (escalation check)", async () => {
  const c = await startTestCluster();
  try {
    await ok(c, ["create", "rolebinding", "alice-admin", "--clusterrole=admin", "--user=alice"]);
    await ok(c, [
      "create",
      "role",
      "pod-reader",
      "--verb=get,list",
      "--resource=pods",
      "--as=alice",
    ]);
    await ok(c, [
      "create",
      "rolebinding",
      "bob-view",
      "--clusterrole=view",
      "--user=bob",
      "--as=alice",
    ]);
    const role = await c.kubectl([
      "create",
      "role",
      "nodes",
      "--verb=get",
      "--resource=nodes",
      "--as=alice",
    ]);
    assert.equal(role.code, 1);
    assert.equal(
      role.stderr.trim(),
      'Error from server (Forbidden): roles.rbac.authorization.k8s.io "nodes" is forbidden: user "alice" (groups=["system:authenticated"]) is attempting to grant RBAC permissions not currently held:\n{APIGroups:[""], Resources:["nodes"], Verbs:["get"]}',
    );
    const root = await c.kubectl([
      "create",
      "rolebinding",
      "root",
      "--clusterrole=cluster-admin",
      "--user=alice",
      "--as=alice",
    ]);
    assert.match(
      root.stderr,
      /rolebindings.rbac.authorization.k8s.io "root" is forbidden: user "alice" .* not currently held:\n/,
    );
    const elsewhere = await c.kubectl([
      "create",
      "role",
      "r",
      "--verb=get",
      "--resource=pods",
      "--as=alice",
      "-n",
      "kube-system",
    ]);
    assert.match(
      elsewhere.stderr,
      /roles.rbac.authorization.k8s.io is forbidden: User "alice" cannot create resource "roles"/,
    );
  } finally {
    await c.close();
  }
});

Deno.test("a ClusterRole labelled aggregate-to-view reaches holders of view", async () => {
  const c = await startTestCluster();
  try {
    await withCrd(c);
    await ok(c, [
      "create",
      "rolebinding",
      "v",
      "--clusterrole=view",
      "--serviceaccount=default:reader",
    ]);
    const ask = [
      "auth",
      "can-i",
      "list",
      "mcpservers",
      "--as=system:serviceaccount:default:reader",
    ];
    const before = await c.kubectl(ask);
    assert.deepEqual([before.code, before.stdout.trim()], [1, "no"]);
    await ok(c, [
      "create",
      "clusterrole",
      "nmcp-viewer",
      "--verb=get,list,watch",
      "--resource=mcpservers.nmcp.nwrx.io",
    ]);
    await ok(c, [
      "label",
      "clusterrole",
      "nmcp-viewer",
      "rbac.authorization.k8s.io/aggregate-to-view=true",
    ]);
    // The aggregation controller runs on a zero timer after the change: allow it a moment.
    await waitFor(async () => (await c.kubectl(ask)).code === 0, 5000, "view to aggregate");
    const view = await ok(c, [
      "get",
      "clusterrole",
      "view",
      "-o",
      "jsonpath={.rules[*].resources}",
    ]);
    assert.match(view, /"mcpservers"/);
  } finally {
    await c.close();
  }
});
