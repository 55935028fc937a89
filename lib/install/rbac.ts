/**
 * The RBAC objects of an install: the operator's own ClusterRole (complete and minimal: no
 * cluster-wide Secret reads), its namespace Role, the opt-in pull-secret reader, and the
 * ClusterRoles for users (aggregated into Kubernetes' view/edit/admin).
 *
 * @module
 */

import { GROUP, PULL_SECRETS_ROLE, TOKEN_KEY_SECRET } from "../api/mod.ts";
import type { KubeObject } from "./manifests.ts";

/** A PolicyRule. */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const RBAC = "rbac.authorization.k8s.io";
const CRUD = ["get", "list", "watch", "create", "update", "patch", "delete"];
const NMCP = ["mcpservers", "mcppools"];
/** The declared kinds: users write them, the operator reads them and writes their status. */
const DECLARED = ["mcptools", "mcpprompts", "mcpresources"];

/** What the operator does cluster-wide (TokenReview/SubjectAccessReview via auth-delegator). */
export function operatorRules(): PolicyRule[] {
  return [
    // The management API creates and deletes on callers' behalf, after its own SAR.
    { apiGroups: [GROUP], resources: [...NMCP], verbs: [...CRUD] },
    { apiGroups: [GROUP], resources: ["mcpservers/status", "mcppools/status"], verbs: ["patch"] },
    { apiGroups: [GROUP], resources: [...DECLARED], verbs: ["get", "list", "watch"] },
    { apiGroups: [GROUP], resources: DECLARED.map((r) => `${r}/status`), verbs: ["patch"] },
    // Declared ConfigMaps, written server-side; every Service is watched (declared backends).
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
    // Gateway token Secrets are written, never read: the router derives the same token.
    { apiGroups: [""], resources: ["secrets"], verbs: ["create", "update", "patch", "delete"] },
    { apiGroups: ["networking.k8s.io"], resources: ["networkpolicies"], verbs: [...CRUD] },
    { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
  ];
}

/** What the operator does in its own namespace: its Lease and its gateway-token key. */
export function operatorNamespaceRules(): PolicyRule[] {
  return [
    {
      apiGroups: ["coordination.k8s.io"],
      resources: ["leases"],
      verbs: ["get", "create", "update"],
    },
    { apiGroups: [""], resources: ["secrets"], resourceNames: [TOKEN_KEY_SECRET], verbs: ["get"] },
    { apiGroups: [""], resources: ["secrets"], verbs: ["create"] },
  ];
}

const aggregate = (...roles: ("view" | "edit" | "admin")[]) =>
  Object.fromEntries(roles.map((r) => [`${RBAC}/aggregate-to-${r}`, "true"]));

/** The ClusterRoles for users: viewer, editor, user (connect). */
export function userClusterRoles(): KubeObject[] {
  const role = (name: string, labels: Record<string, string>, rules: PolicyRule[]) => ({
    apiVersion: `${RBAC}/v1`,
    kind: "ClusterRole",
    metadata: { name, labels: { "app.kubernetes.io/part-of": "nmcp", ...labels } },
    rules,
  });
  const connect = () => ({ apiGroups: [GROUP], resources: ["mcpservers/connect"], verbs: ["get"] });
  return [
    role("nmcp-viewer", aggregate("view", "edit", "admin"), [
      { apiGroups: [GROUP], resources: [...NMCP, ...DECLARED], verbs: ["get", "list", "watch"] },
      // A server's gateway metrics through the operator (…/servers/{name}/metrics).
      { apiGroups: [GROUP], resources: ["mcpservers/metrics"], verbs: ["get"] },
    ]),
    role("nmcp-editor", aggregate("edit", "admin"), [
      {
        apiGroups: [GROUP],
        resources: [...NMCP, ...DECLARED],
        verbs: [...CRUD, "deletecollection"],
      },
      connect(),
    ]),
    role("nmcp-user", aggregate("edit", "admin"), [connect()]),
  ];
}

const sa = (name: string, namespace: string) => [{ kind: "ServiceAccount", name, namespace }];
const ref = (kind: string, name: string) => ({ apiGroup: RBAC, kind, name });

/** Every RBAC object of the operator `name` in `namespace`. */
export function rbacObjects(
  name: string,
  namespace: string,
  opts: { pullSecretsClusterWide: boolean },
): KubeObject[] {
  const v1 = `${RBAC}/v1`;
  const subjects = sa(name, namespace);
  return [
    { apiVersion: v1, kind: "ClusterRole", metadata: { name }, rules: operatorRules() },
    {
      apiVersion: v1,
      kind: "ClusterRoleBinding",
      metadata: { name },
      roleRef: ref("ClusterRole", name),
      subjects,
    },
    {
      apiVersion: v1,
      kind: "ClusterRoleBinding",
      metadata: { name: `${name}-auth-delegator` },
      roleRef: ref("ClusterRole", "system:auth-delegator"),
      subjects,
    },
    {
      apiVersion: v1,
      kind: "ClusterRole",
      metadata: { name: PULL_SECRETS_ROLE },
      rules: [{ apiGroups: [""], resources: ["secrets"], verbs: ["get"] }],
    },
    ...(opts.pullSecretsClusterWide
      ? [{
        apiVersion: v1,
        kind: "ClusterRoleBinding",
        metadata: { name: PULL_SECRETS_ROLE },
        roleRef: ref("ClusterRole", PULL_SECRETS_ROLE),
        subjects,
      }]
      : []),
    {
      apiVersion: v1,
      kind: "Role",
      metadata: { name, namespace },
      rules: operatorNamespaceRules(),
    },
    {
      apiVersion: v1,
      kind: "RoleBinding",
      metadata: { name, namespace },
      roleRef: ref("Role", name),
      subjects,
    },
    ...userClusterRoles(),
  ];
}
