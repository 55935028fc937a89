/**
 * Where the API server is and how to authenticate, from a kubeconfig or the in-cluster
 * ServiceAccount. A lean reader covers the common cases (token, token file, client
 * certificates, basic auth, CA); users with `exec` or `auth-provider` are handed to
 * client-node's KubeConfig, imported only then because it costs ~80 MB of memory.
 */

import { parse } from "yaml";

/** How to reach and authenticate to the API server. */
export interface ClusterAccess {
  server: string;
  caPem?: string;
  certPem?: string;
  keyPem?: string;
  /** Authorization and impersonation headers; called before requests (tokens may rotate). */
  headers: () => Promise<Record<string, string>>;
}

/** Where to find the kubeconfig. */
export interface KubeConfigOptions {
  kubeconfig?: string;
  context?: string;
}

interface Named<T> {
  name: string;
  [key: string]: unknown;
  cluster?: T;
  user?: T;
  context?: T;
}

type Dict = Record<string, string | boolean | undefined | unknown>;

const SA_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

function readMaybe(path: string | undefined, base: string): string | undefined {
  if (!path) return undefined;
  return Deno.readTextFileSync(path.startsWith("/") ? path : `${base}/${path}`);
}

function b64(data: unknown): string | undefined {
  return typeof data === "string"
    ? new TextDecoder().decode(Uint8Array.from(atob(data), (c) => c.charCodeAt(0)))
    : undefined;
}

function fileOrData(d: Dict, file: string, data: string, base: string): string | undefined {
  return b64(d[data]) ?? readMaybe(d[file] as string | undefined, base);
}

function tokenHeaders(read: () => string | undefined, extra: Record<string, string>) {
  let cached: { at: number; value: Record<string, string> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > 60_000) {
      const token = read()?.trim();
      cached = {
        at: Date.now(),
        value: { ...extra, ...(token ? { authorization: `Bearer ${token}` } : {}) },
      };
    }
    return Promise.resolve(cached.value);
  };
}

function inCluster(): ClusterAccess {
  const host = Deno.env.get("KUBERNETES_SERVICE_HOST");
  const port = Deno.env.get("KUBERNETES_SERVICE_PORT") ?? "443";
  if (!host) throw new TypeError("Cannot load kubeconfig: none found and not running in a cluster");
  return {
    server: `https://${host.includes(":") ? `[${host}]` : host}:${port}`,
    caPem: Deno.readTextFileSync(`${SA_DIR}/ca.crt`),
    headers: tokenHeaders(() => Deno.readTextFileSync(`${SA_DIR}/token`), {}),
  };
}

function kubeconfigPath(opts: KubeConfigOptions): string | undefined {
  if (opts.kubeconfig) return opts.kubeconfig;
  const env = Deno.env.get("KUBECONFIG");
  if (env) return env;
  const home = Deno.env.get("HOME");
  const def = home ? `${home}/.kube/config` : undefined;
  try {
    if (def && Deno.statSync(def).isFile) return def;
  } catch { /* absent */ }
  return undefined;
}

async function viaClientNode(path: string, context?: string): Promise<ClusterAccess> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  if (context) kc.setCurrentContext(context);
  const first: Dict & { headers?: Record<string, string> } = {};
  await kc.applyToHTTPSOptions(first as never);
  const str = (v: unknown) => v === undefined ? undefined : String(v);
  return {
    server: kc.getCurrentCluster()!.server,
    caPem: str(first.ca),
    certPem: str(first.cert),
    keyPem: str(first.key),
    headers: async () => {
      const o: { headers?: Record<string, string> } = {};
      await kc.applyToHTTPSOptions(o as never);
      return o.headers ?? {};
    },
  };
}

/** Loads access from a kubeconfig (flag, KUBECONFIG, ~/.kube/config) or in-cluster. */
export async function loadClusterAccess(opts: KubeConfigOptions = {}): Promise<ClusterAccess> {
  const path = kubeconfigPath(opts);
  if (!path) return inCluster();
  if (path.includes(":")) return await viaClientNode(path, opts.context);
  const base = path.replace(/\/[^/]*$/, "") || "/";
  const doc = parse(Deno.readTextFileSync(path)) as Dict;
  const find = (list: unknown, name: unknown) =>
    (list as Named<Dict>[] | undefined)?.find((x) => x.name === name);
  const ctxName = opts.context ?? doc["current-context"];
  const ctx = find(doc.contexts, ctxName)?.context;
  if (!ctx) throw new TypeError(`Cannot load kubeconfig "${path}": context "${ctxName}" not found`);
  const cluster = find(doc.clusters, ctx.cluster)?.cluster;
  if (!cluster?.server) {
    throw new TypeError(`Cannot load kubeconfig "${path}": cluster "${ctx.cluster}" not found`);
  }
  const user = find(doc.users, ctx.user)?.user ?? {};
  if (user.exec || user["auth-provider"]) return await viaClientNode(path, opts.context);
  const extra: Record<string, string> = {};
  if (user.as) extra["impersonate-user"] = String(user.as);
  if (user.username !== undefined) {
    extra.authorization = `Basic ${btoa(`${user.username}:${user.password ?? ""}`)}`;
  }
  return {
    server: String(cluster.server).replace(/\/$/, ""),
    caPem: fileOrData(cluster, "certificate-authority", "certificate-authority-data", base),
    certPem: fileOrData(user, "client-certificate", "client-certificate-data", base),
    keyPem: fileOrData(user, "client-key", "client-key-data", base),
    headers: tokenHeaders(
      () =>
        (user.token as string | undefined) ?? readMaybe(user.tokenFile as string | undefined, base),
      extra,
    ),
  };
}
