/**
 * The objects `install`, `uninstall` and `export` work with: the operator's own
 * `operatorManifests()` (one source for the plugin and deploy/), plus the CRDs from lib/api.
 */

import { allCrds } from "../lib/api/mod.ts";
import { operatorManifests } from "../lib/install/manifests.ts";
import type { KubeObject } from "./kube/client.ts";

/** Options of {@linkcode installObjects}. */
export interface InstallOptions {
  /** Operator image; default `ghcr.io/nwrx/nmcp:<version>`. */
  image?: string;
  /** Image tag when `image` is unset; default `latest`. */
  version?: string;
  /** Namespace of the operator; default `nmcp-system`. */
  namespace?: string;
  /** Bind the pull-secret reader cluster-wide; default false. */
  pullSecretsClusterWide?: boolean;
}

/** Which CRD `export --resource` prints: the kind without its `MCP` prefix. */
export const CRD_RESOURCES = ["server", "pool", "tool", "prompt", "resource"] as const;

/** One of {@linkcode CRD_RESOURCES}. */
export type CrdResource = typeof CRD_RESOURCES[number];

/** The CRDs (all, or only the `resource` one) as plain objects. */
export function crdObjects(resource?: CrdResource): KubeObject[] {
  const crds = allCrds().filter((c) => !resource || c.spec.names.singular === `mcp${resource}`);
  return crds as unknown as KubeObject[];
}

/** Every install object in apply order: CRDs, namespace, RBAC, Deployment, Service. */
export function installObjects(opts: InstallOptions = {}): KubeObject[] {
  return operatorManifests({
    image: opts.image ?? `ghcr.io/nwrx/nmcp:${opts.version ?? "latest"}`,
    namespace: opts.namespace ?? "nmcp-system",
    crds: true,
    pullSecretsClusterWide: opts.pullSecretsClusterWide,
  }) as KubeObject[];
}
