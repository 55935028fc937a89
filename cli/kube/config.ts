/** Loads the kubeconfig with client-node the way kubectl does, honouring the global flags. */

import { KubeConfig } from "@kubernetes/client-node";
import { kubeconfigFiles, type KubeFlags, resolveNamespace } from "../kube_flags.ts";

/** A loaded kubeconfig with the namespace the command works in (undefined = all). */
export interface LoadedConfig {
  kc: KubeConfig;
  namespace: string | undefined;
  /** The namespace to use when one is needed even under `-A` (for writes). */
  defaultNamespace: string;
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/** Merges kubeconfig files into `kc` like kubectl: the first occurrence of a name wins. */
function mergeFiles(kc: KubeConfig, files: string[]): void {
  const parts = files.map((file) => {
    const part = new KubeConfig();
    part.loadFromFile(file);
    return part;
  });
  const firstByName = <T extends { name: string }>(lists: T[][]): T[] => {
    const seen = new Map<string, T>();
    for (const item of lists.flat()) if (!seen.has(item.name)) seen.set(item.name, item);
    return [...seen.values()];
  };
  kc.loadFromOptions({
    clusters: firstByName(parts.map((p) => p.getClusters())),
    users: firstByName(parts.map((p) => p.getUsers())),
    contexts: firstByName(parts.map((p) => p.getContexts())),
    currentContext: parts.map((p) => p.getCurrentContext()).find((c) => !!c) ?? "",
  });
}

/** Loads and merges the kubeconfig files, selects `--context` and resolves the namespace. */
export function loadConfig(flags: KubeFlags, env = Deno.env.toObject()): LoadedConfig {
  const kc = new KubeConfig();
  const files = kubeconfigFiles(flags, env).filter((f, i) => i === 0 || exists(f));
  if (files.length === 0 || (files.length === 1 && !exists(files[0]))) {
    const where = files[0] ?? "~/.kube/config";
    throw new Error(
      `Cannot load kubeconfig "${where}": file not found (set KUBECONFIG or --kubeconfig)`,
    );
  }
  mergeFiles(kc, files);
  if (flags.context) {
    if (!kc.getContextObject(flags.context)) {
      throw new Error(
        `Cannot use context "${flags.context}": not found in kubeconfig (see kubectl config get-contexts)`,
      );
    }
    kc.setCurrentContext(flags.context);
  }
  const ctx = kc.getContextObject(kc.getCurrentContext());
  if (!ctx || !kc.getCurrentCluster()) {
    throw new Error(
      `Cannot use context "${kc.getCurrentContext()}": no current context or cluster (use --context)`,
    );
  }
  return {
    kc,
    namespace: resolveNamespace(flags, ctx.namespace),
    defaultNamespace: resolveNamespace({ ...flags, allNamespaces: false }, ctx.namespace)!,
  };
}
