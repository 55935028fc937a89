/** The install objects of the operator itself, for `kubectl nmcp install`/`export` and deploy/. */

import { allCrds, LABELS, MANAGED_BY } from "../api/mod.ts";
import { rbacObjects } from "./rbac.ts";

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
  /** Bind `nmcp-operator-pull-secrets` cluster-wide (read every Secret). Default false. */
  pullSecretsClusterWide?: boolean;
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

function deployment(
  o: Required<Omit<ManifestOptions, "crds" | "pullSecretsClusterWide">>,
): KubeObject {
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
            runAsGroup: 65532,
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
    ...rbacObjects(NAME, ns, { pullSecretsClusterWide: opts.pullSecretsClusterWide ?? false }),
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
