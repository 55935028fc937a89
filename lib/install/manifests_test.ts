import assert from "node:assert/strict";
import { operatorManifests } from "./manifests.ts";

Deno.test("operatorManifests() returns least-privilege install objects", () => {
  const objs = operatorManifests({ image: "img:1" });
  const kinds = objs.map((o) => o.kind);
  assert.deepEqual(kinds.slice(0, 5), Array(5).fill("CustomResourceDefinition"));
  assert.ok(kinds.includes("Namespace") && kinds.includes("ClusterRole"));
  const dep = objs.find((o) => o.kind === "Deployment")!;
  const c = (dep.spec as { template: { spec: { containers: Record<string, unknown>[] } } })
    .template.spec.containers[0];
  assert.deepEqual(c.securityContext, {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
  });
  const role = objs.find((o) => o.kind === "ClusterRole" && o.metadata.name === "nmcp-operator")!;
  assert.deepEqual(role.rules, [
    {
      apiGroups: ["nmcp.nwrx.io"],
      resources: ["mcpservers", "mcppools"],
      verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
    },
    {
      apiGroups: ["nmcp.nwrx.io"],
      resources: ["mcpservers/status", "mcppools/status"],
      verbs: ["patch"],
    },
    {
      apiGroups: ["nmcp.nwrx.io"],
      resources: ["mcptools", "mcpprompts", "mcpresources"],
      verbs: ["get", "list", "watch"],
    },
    {
      apiGroups: ["nmcp.nwrx.io"],
      resources: ["mcptools/status", "mcpprompts/status", "mcpresources/status"],
      verbs: ["patch"],
    },
    {
      apiGroups: [""],
      resources: ["configmaps"],
      verbs: ["get", "list", "watch", "create", "patch", "delete"],
    },
    {
      apiGroups: [""],
      resources: ["pods", "services"],
      verbs: ["get", "list", "watch", "create", "delete", "patch"],
    },
    { apiGroups: [""], resources: ["secrets"], verbs: ["create", "update", "patch", "delete"] },
    {
      apiGroups: ["networking.k8s.io"],
      resources: ["networkpolicies"],
      verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
    },
    { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
  ]);
  const bindings = objs.filter((o) => o.kind === "ClusterRoleBinding")
    .map((o) => `${o.metadata.name}→${(o.roleRef as { name: string }).name}`);
  assert.deepEqual(bindings, [
    "nmcp-operator→nmcp-operator",
    "nmcp-operator-auth-delegator→system:auth-delegator",
  ], "the pull-secret reader is not bound cluster-wide by default");
  const ns = objs.find((o) => o.kind === "Role")!;
  assert.equal(ns.metadata.namespace, "nmcp-system");
  assert.deepEqual(ns.rules, [
    {
      apiGroups: ["coordination.k8s.io"],
      resources: ["leases"],
      verbs: ["get", "create", "update"],
    },
    {
      apiGroups: [""],
      resources: ["secrets"],
      resourceNames: ["nmcp-gateway-key"],
      verbs: ["get"],
    },
    { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
  ]);
  const wide = operatorManifests({ pullSecretsClusterWide: true })
    .filter((o) => o.kind === "ClusterRoleBinding").map((o) => o.metadata.name);
  assert.ok(wide.includes("nmcp-operator-pull-secrets"));
  assert.equal(operatorManifests({ crds: false })[0].kind, "Namespace");
});

Deno.test("operatorManifests() ships user ClusterRoles aggregated into view, edit and admin", () => {
  const roles = operatorManifests().filter((o) => o.kind === "ClusterRole")
    .filter((o) => ["nmcp-viewer", "nmcp-editor", "nmcp-user"].includes(o.metadata.name));
  const agg = (o: (typeof roles)[number]) =>
    Object.keys(o.metadata.labels ?? {}).filter((k) => k.includes("aggregate-to-"))
      .map((k) => k.split("aggregate-to-")[1]);
  assert.deepEqual(roles.map((r) => [r.metadata.name, agg(r)]), [
    ["nmcp-viewer", ["view", "edit", "admin"]],
    ["nmcp-editor", ["edit", "admin"]],
    ["nmcp-user", ["edit", "admin"]],
  ]);
  assert.deepEqual(roles[2].rules, [
    { apiGroups: ["nmcp.nwrx.io"], resources: ["mcpservers/connect"], verbs: ["get"] },
  ]);
  assert.deepEqual((roles[0].rules as { verbs: string[] }[])[0].verbs, ["get", "list", "watch"]);
  assert.ok(JSON.stringify(roles[1].rules).includes("mcpservers/connect"));
  for (const role of roles.slice(0, 2)) {
    const resources = (role.rules as { resources: string[] }[])[0].resources;
    assert.deepEqual(
      resources.slice(2),
      ["mcptools", "mcpprompts", "mcpresources"],
      role.metadata.name,
    );
  }
});
