/**
 * Where a command's requests go: lib/kube's kubeconfig resolver (kubectl's file merge and
 * flag overrides, in-cluster fallback) applied to the plugin's global flags, plus the
 * namespace rules of `-n` / `-A`.
 */

import {
  type ClusterAccess,
  createKubeClient,
  type KubeClient,
  kubeconfigContexts,
  loadClusterAccess,
} from "../../lib/kube/mod.ts";
import { type KubeFlags, resolveNamespace } from "../kube_flags.ts";

/** A resolved target. */
export interface Target {
  client: KubeClient;
  access: ClusterAccess;
  /** The namespace to read from; undefined under `-A`. */
  namespace: string | undefined;
  /** The namespace for writes and single-object reads. */
  defaultNamespace: string;
}

/** Resolves the global flags to a client and the namespaces to use. */
export async function loadTarget(flags: KubeFlags, env = Deno.env.toObject()): Promise<Target> {
  const { kubeconfig, context, cluster, user, server, token } = flags;
  const access = await loadClusterAccess({
    kubeconfig,
    context,
    cluster,
    user,
    server,
    token,
    env,
  });
  return {
    client: createKubeClient(access),
    access,
    namespace: resolveNamespace(flags, access.namespace),
    defaultNamespace: resolveNamespace({ ...flags, allNamespaces: false }, access.namespace)!,
  };
}

/** The kubeconfig's context names (merged like kubectl), for completion. */
export function readKubeconfig(
  flags: KubeFlags,
  env = Deno.env.toObject(),
): { contexts: string[] } {
  return { contexts: kubeconfigContexts(flags, env) };
}
