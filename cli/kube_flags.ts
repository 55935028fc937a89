/** The kubectl-style global flags the plugin parses itself, and what they resolve to. */

/** Global flags shared by every command (`-n`, `-A`, `--context`, `--kubeconfig`, `-v`). */
export interface KubeFlags {
  namespace?: string;
  allNamespaces?: boolean;
  context?: string;
  kubeconfig?: string;
  verbose?: boolean;
}

/** Where the plugin's requests go: the kubeconfig paths, context and namespace to use. */
export interface KubeTarget {
  /** Kubeconfig files to merge, in order (from --kubeconfig, else KUBECONFIG, else ~/.kube/config). */
  files: string[];
  /** The context to use (undefined = the kubeconfig's current-context). */
  context?: string;
}

/** Resolves which kubeconfig files to read, like kubectl: --kubeconfig, KUBECONFIG, ~/.kube/config. */
export function kubeconfigFiles(
  flags: KubeFlags,
  env: { KUBECONFIG?: string; HOME?: string },
): string[] {
  if (flags.kubeconfig) return [flags.kubeconfig];
  const list = (env.KUBECONFIG ?? "").split(":").filter((p) => p !== "");
  if (list.length > 0) return list;
  return env.HOME ? [`${env.HOME}/.kube/config`] : [];
}

/**
 * Picks the namespace: `-n` wins, then the context's namespace, then `default`. With `-A`
 * the result is undefined (all namespaces).
 */
export function resolveNamespace(
  flags: KubeFlags,
  contextNamespace: string | undefined,
): string | undefined {
  if (flags.allNamespaces) return undefined;
  return flags.namespace || contextNamespace || "default";
}
