/** The kubectl-style global flags the plugin parses itself, and what they resolve to. */

/** Global flags shared by every command (`-n`, `-A`, `--context`, `--kubeconfig`, `-v`). */
export interface KubeFlags {
  namespace?: string;
  allNamespaces?: boolean;
  context?: string;
  kubeconfig?: string;
  /** kubectl's `--cluster`, `--user`, `--server`, `--token` overrides (lib/kube applies them). */
  cluster?: string;
  user?: string;
  server?: string;
  token?: string;
  verbose?: boolean;
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
