/**
 * The objects `install`, `uninstall` and `export` work with. The single switch point: once
 * operator/mod.ts exports `operatorManifests(opts)`, {@linkcode installObjects} delegates to
 * it; until then it builds a minimal equivalent from lib/api's CRDs.
 */

import { allCrds, GROUP } from "../lib/api/mod.ts";
import type { KubeObject } from "./kube/client.ts";

/** Options of {@linkcode installObjects}. */
export interface InstallOptions {
  /** Operator image; default `ghcr.io/nwrx/nmcp:<version>`. */
  image?: string;
  /** Image tag when `image` is unset; default `latest`. */
  version?: string;
  /** Namespace of the operator; default `nmcp-system`. */
  namespace?: string;
}

const NAME = "nmcp-operator";

/** The CRDs (MCPServer, MCPPool) as plain objects. */
export function crdObjects(): KubeObject[] {
  return allCrds() as unknown as KubeObject[];
}

/** Every install object in apply order: CRDs, namespace, RBAC, Deployment, Service. */
export function installObjects(opts: InstallOptions = {}): KubeObject[] {
  const ns = opts.namespace ?? "nmcp-system";
  const image = opts.image ?? `ghcr.io/nwrx/nmcp:${opts.version ?? "latest"}`;
  const labels = { "app.kubernetes.io/name": NAME };
  const rbac = "rbac.authorization.k8s.io";
  return [
    ...crdObjects(),
    { apiVersion: "v1", kind: "Namespace", metadata: { name: ns } },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: NAME, namespace: ns } },
    {
      apiVersion: `${rbac}/v1`,
      kind: "ClusterRole",
      metadata: { name: NAME },
      rules: [
        { apiGroups: [GROUP], resources: ["*"], verbs: ["*"] },
        {
          apiGroups: [""],
          resources: ["pods", "services"],
          verbs: ["get", "list", "watch", "create", "delete", "patch"],
        },
        { apiGroups: [""], resources: ["secrets"], verbs: ["get"] },
        { apiGroups: ["", "events.k8s.io"], resources: ["events"], verbs: ["create", "patch"] },
        { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["*"] },
      ],
    },
    {
      apiVersion: `${rbac}/v1`,
      kind: "ClusterRoleBinding",
      metadata: { name: NAME },
      roleRef: { apiGroup: rbac, kind: "ClusterRole", name: NAME },
      subjects: [{ kind: "ServiceAccount", name: NAME, namespace: ns }],
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: NAME, namespace: ns, labels },
      spec: {
        replicas: 1,
        selector: { matchLabels: labels },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: NAME,
            containers: [{
              name: "operator",
              image,
              command: ["nmcp-operator"],
              args: ["--listen=:8080", `--gateway-image=${image}`, `--lease-namespace=${ns}`],
              ports: [{ name: "http", containerPort: 8080 }],
            }],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: NAME, namespace: ns },
      spec: { selector: labels, ports: [{ name: "http", port: 80, targetPort: "http" }] },
    },
  ];
}
