/**
 * Where the API server is and how to authenticate: from merged kubeconfig files or the
 * in-cluster ServiceAccount. Token, token file, basic auth, client certificates, CA and
 * impersonation are read here; `exec` and `auth-provider` users go through client-node,
 * imported only for them (it costs ~80 MB and ~150 ms of start-up).
 */

import { decodeBase64 } from "../base64.ts";
import {
  type Dict,
  type Entry,
  kubeconfigFiles,
  type KubeconfigOptions,
  type KubeEnv,
  mergeKubeconfigs,
  readKubeconfigFiles,
  type ResolvedKubeconfig,
  resolveKubeconfig,
} from "./kubeconfig.ts";

/** How to reach and authenticate to the API server. */
export interface ClusterAccess {
  /** Base URL without a trailing slash. */
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  /** `insecure-skip-tls-verify`: do not verify the server certificate. */
  insecure?: boolean;
  /** Authorization and impersonation headers; called before requests (tokens may rotate). */
  headers: () => Promise<Record<string, string>>;
  /** The context used ("" in-cluster). */
  context?: string;
  /** The namespace of the context (or the ServiceAccount's in-cluster), if any. */
  namespace?: string;
}

/** Options of {@linkcode loadClusterAccess}: kubectl's flags plus where to read from. */
export interface LoadOptions extends KubeconfigOptions {
  /** Environment (`KUBECONFIG`, `HOME`, `KUBERNETES_SERVICE_HOST`/`_PORT`). Default Deno.env. */
  env?: KubeEnv;
  /** The ServiceAccount mount. Default `/var/run/secrets/kubernetes.io/serviceaccount`. */
  serviceAccountDir?: string;
}

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";
const TOKEN_REREAD_MS = 60_000;

function readRelative(path: unknown, base: string): string | undefined {
  if (typeof path !== "string" || !path) return undefined;
  return Deno.readTextFileSync(path.startsWith("/") ? path : `${base}/${path}`);
}

function fileOrData(e: Entry, file: string, data: string): string | undefined {
  const inline = e.value[data];
  if (typeof inline === "string" && inline) return new TextDecoder().decode(decodeBase64(inline));
  return readRelative(e.value[file], e.base);
}

/** Headers from a token read at most once a minute (projected tokens rotate), plus `extra`. */
function tokenHeaders(read: () => string | undefined, extra: Record<string, string>) {
  let cached: { at: number; value: Record<string, string> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > TOKEN_REREAD_MS) {
      const token = read()?.trim();
      cached = {
        at: Date.now(),
        value: { ...extra, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      };
    }
    return Promise.resolve(cached.value);
  };
}

/** The API server URL in a pod: `https://host:port`, IPv6 hosts bracketed. */
export function inClusterServer(host: string, port = "443"): string {
  return `https://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port}`;
}

function inCluster(env: KubeEnv, dir: string): ClusterAccess | undefined {
  const host = env.KUBERNETES_SERVICE_HOST;
  if (!host) return undefined;
  let namespace: string | undefined;
  try {
    namespace = Deno.readTextFileSync(`${dir}/namespace`).trim() || undefined;
  } catch { /* optional */ }
  return {
    server: inClusterServer(host, env.KUBERNETES_SERVICE_PORT || "443"),
    caPem: Deno.readTextFileSync(`${dir}/ca.crt`),
    headers: tokenHeaders(() => Deno.readTextFileSync(`${dir}/token`), {}),
    context: "",
    namespace,
  };
}

function impersonation(user: Dict): Record<string, string> {
  const out: Record<string, string> = {};
  if (user.as) out["impersonate-user"] = String(user.as);
  const groups = user["as-groups"];
  if (Array.isArray(groups) && groups.length) out["impersonate-group"] = groups.join(",");
  if (user.username !== undefined && !user.token && !user.tokenFile) {
    out.authorization = `Basic ${btoa(`${user.username}:${user.password ?? ""}`)}`;
  }
  return out;
}

/** The access of a resolved kubeconfig whose user needs no plugin. */
export function staticAccess(r: ResolvedKubeconfig): ClusterAccess {
  const user = r.user.value;
  return {
    server: r.server,
    caPem: fileOrData(r.cluster, "certificate-authority", "certificate-authority-data"),
    certPem: fileOrData(r.user, "client-certificate", "client-certificate-data"),
    keyPem: fileOrData(r.user, "client-key", "client-key-data"),
    insecure: r.cluster.value["insecure-skip-tls-verify"] === true,
    headers: tokenHeaders(
      () => (user.token as string | undefined) ?? readRelative(user.tokenFile, r.user.base),
      impersonation(user),
    ),
    context: r.context,
    namespace: r.namespace,
  };
}

/** Whether only client-node can authenticate this user (`exec`, `auth-provider`). */
export function needsPlugin(r: ResolvedKubeconfig): boolean {
  return !!r.user.value.exec || !!r.user.value["auth-provider"];
}

/**
 * Loads access like kubectl: `--kubeconfig`, else the merged `KUBECONFIG` files, else
 * ~/.kube/config, else (no file at all) the in-cluster ServiceAccount.
 */
export async function loadClusterAccess(opts: LoadOptions = {}): Promise<ClusterAccess> {
  const env = opts.env ?? Deno.env.toObject();
  const explicit = !!opts.kubeconfig || !!env.KUBECONFIG;
  const paths = kubeconfigFiles(opts, env);
  const present = readKubeconfigFiles(paths, !!opts.kubeconfig);
  if (present.length === 0) {
    const pod = explicit ? undefined : inCluster(env, opts.serviceAccountDir ?? SA_DIR);
    if (pod) return { ...pod, namespace: opts.namespace || pod.namespace };
    throw new Error(
      `Cannot load kubeconfig "${paths[0] ?? "~/.kube/config"}": file not found and not in a ` +
        `cluster (set KUBECONFIG or --kubeconfig)`,
    );
  }
  const resolved = resolveKubeconfig(mergeKubeconfigs(present), opts);
  if (!needsPlugin(resolved)) return staticAccess(resolved);
  const { pluginAccess } = await import("./access_plugin.ts");
  return await pluginAccess(resolved);
}
