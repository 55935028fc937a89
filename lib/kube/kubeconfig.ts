/**
 * Reads kubeconfig files and merges them the way kubectl does: `--kubeconfig` alone, else
 * every file of `KUBECONFIG` (`a:b`, missing ones skipped) where the first file that sets a
 * cluster, user or context name wins and `current-context` comes from the first file that
 * sets it, else `~/.kube/config`. Relative paths resolve against the file that holds them.
 */

import { parse } from "yaml";

/** A kubeconfig entry's fields (`cluster`, `user` or `context` map). */
export type Dict = Record<string, unknown>;

/** One entry of a merged map and the directory its relative paths resolve against. */
export interface Entry {
  value: Dict;
  base: string;
}

/** Merged kubeconfig maps, first occurrence of a name kept. */
export interface MergedKubeconfig {
  files: string[];
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
  currentContext: string;
}

/** One parsed kubeconfig file. */
export interface KubeconfigFile {
  path: string;
  doc: Dict;
}

/** Where to look and what to override, like kubectl's global flags. */
export interface KubeconfigOptions {
  /** `--kubeconfig`: this file only. */
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  server?: string;
  token?: string;
}

/** The environment read: `KUBECONFIG`, `HOME`. */
export type KubeEnv = Record<string, string | undefined>;

/** The files to read, in order: `--kubeconfig`, else `KUBECONFIG` entries, else ~/.kube/config. */
export function kubeconfigFiles(opts: { kubeconfig?: string }, env: KubeEnv): string[] {
  if (opts.kubeconfig) return [opts.kubeconfig];
  const list = (env.KUBECONFIG ?? "").split(":").filter((p) => p !== "");
  if (list.length > 0) return list;
  return env.HOME ? [`${env.HOME}/.kube/config`] : [];
}

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

/** Merges parsed files in order: first file to name a cluster/user/context, and current-context, wins. */
export function mergeKubeconfigs(files: KubeconfigFile[]): MergedKubeconfig {
  const merged: MergedKubeconfig = {
    files: files.map((f) => f.path),
    clusters: new Map(),
    users: new Map(),
    contexts: new Map(),
    currentContext: "",
  };
  const maps = [["clusters", "cluster"], ["users", "user"], ["contexts", "context"]] as const;
  for (const { path, doc } of files) {
    for (const [list, field] of maps) {
      for (const item of (doc[list] as Dict[] | undefined) ?? []) {
        const name = String(item?.name ?? "");
        if (!merged[list].has(name)) {
          merged[list].set(name, { value: (item[field] ?? {}) as Dict, base: dirOf(path) });
        }
      }
    }
    const current = doc["current-context"];
    if (!merged.currentContext && typeof current === "string") merged.currentContext = current;
  }
  return merged;
}

/** Reads and parses the existing files; a missing `--kubeconfig` (or a lone file) throws. */
export function readKubeconfigFiles(paths: string[], explicit: boolean): KubeconfigFile[] {
  const out: KubeconfigFile[] = [];
  for (const path of paths) {
    let text: string;
    try {
      text = Deno.readTextFileSync(path);
    } catch (err) {
      if (err instanceof Deno.errors.NotFound && !explicit) continue;
      throw new Error(
        `Cannot load kubeconfig "${path}": ${
          err instanceof Deno.errors.NotFound ? "file not found" : (err as Error).message
        } (set KUBECONFIG or --kubeconfig)`,
      );
    }
    let doc: unknown;
    try {
      doc = parse(text);
    } catch (err) {
      throw new Error(`Cannot load kubeconfig "${path}": ${(err as Error).message}`);
    }
    out.push({ path, doc: (doc ?? {}) as Dict });
  }
  return out;
}

/** The context, cluster and user a command uses after the overrides. */
export interface ResolvedKubeconfig {
  files: string[];
  /** Every context name, in merge order. */
  contexts: string[];
  context: string;
  clusterName: string;
  cluster: Entry;
  userName: string;
  user: Entry;
  server: string;
  /** The namespace override, else the context's. */
  namespace?: string;
}

/** `--token`: replaces every other credential of the user but its client certificate. */
function withToken(user: Dict, token: string): Dict {
  const { exec: _e, "auth-provider": _a, tokenFile: _f, username: _u, password: _p, ...rest } =
    user;
  return { ...rest, token };
}

/** Picks context, cluster and user from merged maps with kubectl's flag overrides (pure). */
export function resolveKubeconfig(
  merged: MergedKubeconfig,
  opts: KubeconfigOptions = {},
): ResolvedKubeconfig {
  const context = opts.context || merged.currentContext;
  const ctx = merged.contexts.get(context)?.value;
  if (!ctx && !(opts.cluster && opts.context === undefined)) {
    throw new Error(
      context
        ? `Cannot use context "${context}": not found in kubeconfig (see kubectl config get-contexts)`
        : `Cannot use a context: the kubeconfig has no current-context (use --context)`,
    );
  }
  const clusterName = opts.cluster || String(ctx?.cluster ?? "");
  const cluster = merged.clusters.get(clusterName);
  const server = opts.server || String(cluster?.value.server ?? "");
  if (!server) {
    throw new Error(`Cannot use context "${context}": cluster "${clusterName}" not found`);
  }
  const userName = opts.user || String(ctx?.user ?? "");
  const user = merged.users.get(userName) ?? { value: {}, base: "." };
  return {
    files: merged.files,
    contexts: [...merged.contexts.keys()],
    context,
    clusterName,
    cluster: cluster ?? { value: { server }, base: "." },
    userName,
    user: opts.token ? { value: withToken(user.value, opts.token), base: user.base } : user,
    server: server.replace(/\/+$/, ""),
    namespace: opts.namespace || (ctx?.namespace as string | undefined) || undefined,
  };
}

/** The context names of the merged kubeconfig files (for completion), in merge order. */
export function kubeconfigContexts(opts: { kubeconfig?: string }, env: KubeEnv): string[] {
  const files = readKubeconfigFiles(kubeconfigFiles(opts, env), !!opts.kubeconfig);
  return [...mergeKubeconfigs(files).contexts.keys()];
}
