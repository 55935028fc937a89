/** The install objects of the operator itself, for `kubectl nmcp install`/`export` and deploy/. */

import { allCrds, GROUP, LABELS, MANAGED_BY } from "../../lib/api/mod.ts";

/** Options of {@linkcode operatorManifests}. */
export interface ManifestOptions {
  /** Image carrying nmcp-operator and nmcp-gateway. Default `ghcr.io/nwrx/nmcp:latest`. */
  image?: string;
  /** Namespace of the operator. Default `nmcp-system`. */
  namespace?: string;
  /** Replicas of the operator (leader election picks one). Default 1. */
  replicas?: number;
  /** Launcher image. Default `busybox:1.37`. */
  launcherImage?: string;
  /** Include the CRDs first. Default true. */
  crds?: boolean;
  /** Extra operator flags. */
  extraArgs?: string[];
}

/** A Kubernetes object as plain JSON. */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

const NAME = "nmcp-operator";
/** V8 flags of the operator: a small young generation keeps 1,000 servers under 100 MB RSS. */
export const OPERATOR_V8_FLAGS = "--max-semi-space-size=1";
/** A token-less ServiceAccount for MCP servers in the operator's namespace (spec.serviceAccountName). */
export const MCP_SERVICE_ACCOUNT = "nmcp-mcp";

function rules(): Record<string, unknown>[] {
  return [
    {
      apiGroups: [GROUP],
      resources: ["mcpservers", "mcppools"],
      verbs: ["get", "list", "watch", "create", "delete", "patch", "update"],
    },
    {
      apiGroups: [GROUP],
      resources: ["mcpservers/status", "mcppools/status"],
      verbs: ["get", "patch", "update"],
    },
    {
      apiGroups: [""],
      resources: ["pods", "services"],
      verbs: ["get", "list", "watch", "create", "delete", "patch"],
    },
    { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
    { apiGroups: [""], resources: ["events"], verbs: ["create", "patch"] },
    { apiGroups: ["events.k8s.io"], resources: ["events"], verbs: ["create", "patch"] },
  ];
}

function deployment(o: Required<Omit<ManifestOptions, "crds">>): KubeObject {
  const labels = { "app.kubernetes.io/name": NAME, [LABELS.managedBy]: MANAGED_BY };
  const probe = (path: string) => ({ httpGet: { path, port: "http" }, periodSeconds: 10 });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: NAME, namespace: o.namespace, labels },
    spec: {
      replicas: o.replicas,
      selector: { matchLabels: { "app.kubernetes.io/name": NAME } },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: NAME,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [{
            name: "operator",
            image: o.image,
            command: ["nmcp-operator"],
            args: [
              "--listen=:8080",
              `--gateway-image=${o.image}`,
              `--launcher-image=${o.launcherImage}`,
              `--lease-namespace=${o.namespace}`,
              ...o.extraArgs,
            ],
            env: [
              { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
              { name: "DENO_V8_FLAGS", value: OPERATOR_V8_FLAGS },
            ],
            ports: [{ name: "http", containerPort: 8080 }],
            readinessProbe: probe("/readyz"),
            livenessProbe: probe("/healthz"),
            resources: { requests: { cpu: "50m", memory: "64Mi" }, limits: { memory: "256Mi" } },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
          }],
          volumes: [{ name: "tmp", emptyDir: {} }],
        },
      },
    },
  };
}

/** Returns the objects that install the operator, in apply order. */
export function operatorManifests(opts: ManifestOptions = {}): KubeObject[] {
  const o = {
    image: opts.image ?? "ghcr.io/nwrx/nmcp:latest",
    namespace: opts.namespace ?? "nmcp-system",
    replicas: opts.replicas ?? 1,
    launcherImage: opts.launcherImage ?? "busybox:1.37",
    extraArgs: opts.extraArgs ?? [],
  };
  const ns = o.namespace;
  const crds = opts.crds === false ? [] : allCrds() as unknown as KubeObject[];
  return [
    ...crds,
    { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: NAME, namespace: ns } },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: NAME },
      rules: rules(),
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: NAME },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: NAME },
      subjects: [{ kind: "ServiceAccount", name: NAME, namespace: ns }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: `${NAME}-leader-election`, namespace: ns },
      rules: [{
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        verbs: ["get", "create", "update"],
      }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: `${NAME}-leader-election`, namespace: ns },
      roleRef: {
        apiGroup: "rbac.authorization.k8s.io",
        kind: "Role",
        name: `${NAME}-leader-election`,
      },
      subjects: [{ kind: "ServiceAccount", name: NAME, namespace: ns }],
    },
    deployment(o),
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: NAME, namespace: ns },
      spec: {
        selector: { "app.kubernetes.io/name": NAME },
        ports: [{ name: "http", port: 80, targetPort: "http" }],
      },
    },
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: MCP_SERVICE_ACCOUNT, namespace: ns },
      automountServiceAccountToken: false,
    },
  ];
}
