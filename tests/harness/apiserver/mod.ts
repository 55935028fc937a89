/**
 * An in-process Kubernetes API server for tests: kubectl 1.32 and
 * @kubernetes/client-node 2.x talk to it as to a real one for what nmcp uses.
 *
 * ```ts
 * const server = await startApiServer();
 * // KUBECONFIG=server.kubeconfigPath kubectl get pods
 * await server.stop();
 * ```
 *
 * @module
 */

import { createLogger, type LogLevel } from "../../../lib/log.ts";
import type { PodStreamHandler } from "../contract.ts";
import { Api } from "./api.ts";
import type { Authenticator } from "./authn.ts";
import { RoleAggregator, seedRbac } from "./bootstrap_rbac.ts";
import { Controllers } from "./controllers.ts";
import { kubeconfigYaml, userKubeconfigPath } from "./kubeconfig.ts";
import { Registry } from "./resources.ts";
import { authenticatorOf, loadIdentity, saveIdentity, serveOnPreferredPort } from "./identity.ts";
import { createHandler } from "./server.ts";
import { createTokenRequest } from "./token_api.ts";
import { Store } from "./store.ts";
import { WatchHub } from "./watch.ts";

/** Options of {@linkcode startApiServer}. */
export interface ApiServerOptions {
  /** Plain HTTP (debug) instead of HTTPS. Default false. */
  http?: boolean;
  /** Persist state as JSON here and reload it on start. Default: memory only. */
  dataDir?: string;
  /** Where to write the kubeconfig. Default: a temp file. */
  kubeconfigPath?: string;
  /** The kubeconfig context's namespace. Default "default". */
  namespace?: string;
  /** Port on 127.0.0.1. Default 0 (ephemeral). */
  port?: number;
  /** Lowest level of the server's own log lines (stderr). Default `warn`. */
  logLevel?: LogLevel;
  /** The server's clock (timestamps, token issue and expiry). Default the real time. */
  now?: () => Date;
}

/** A running API server. */
export interface ApiServer {
  url: string;
  /** The admin's bearer token (user kubernetes-admin, groups system:masters). */
  token: string;
  caCertPem: string;
  kubeconfigPath: string;
  /** Installs the kubelet's handler for pods/{log,exec,attach,portforward}. */
  setPodStreamHandler(h: PodStreamHandler): void;
  /** The operations behind the HTTP layer (for white-box tests). */
  api: Api;
  /** Who bearer tokens are (white-box tests: `authn.authenticateToken`). */
  authn: Authenticator;
  /**
   * A static bearer token for `username` in `groups` (plus system:authenticated), kept in
   * identity.json; the same user and groups get the same token again.
   */
  issueUserToken(username: string, groups?: string[]): Promise<string>;
  /** Writes a kubeconfig for that user next to the admin's and returns its path. */
  writeUserKubeconfig(username: string, groups?: string[]): Promise<string>;
  /**
   * A token of ServiceAccount `namespace/name`, as `kubectl create token` gets it (throws the
   * 404 ApiError when the SA does not exist).
   */
  issueServiceAccountToken(
    namespace: string,
    name: string,
    opts?: { audiences?: string[]; expirationSeconds?: number },
  ): Promise<string>;
  /** Ends every open watch stream now, as an API server restart would (clients re-watch). */
  closeWatches(): void;
  /** Ends watches, stops controllers, writes the snapshot and closes the listener. */
  stop(): Promise<void>;
}

/** Awaits `p`, calling `late` once if it takes longer than `ms`. */
async function finishWithin(p: Promise<void>, ms: number, late: () => void): Promise<void> {
  const timer = setTimeout(late, ms);
  try {
    await p;
  } finally {
    clearTimeout(timer);
  }
}

function seed(api: Api): void {
  const nsType = api.registry.find("", "v1", "namespaces")!;
  for (const name of ["default", "kube-system", "kube-public"]) {
    if (!api.store.get("/namespaces", undefined, name)) {
      api.create(nsType, undefined, { metadata: { name } }, { fieldManager: "kube-apiserver" });
    }
  }
}

/** What {@linkcode userAccess} works with. */
interface UserAccessDeps {
  authn: Authenticator;
  /** Saves identity.json (with the new user). */
  persist: () => Promise<void>;
  adminKubeconfig: string;
  writeKubeconfig: (path: string, token: string) => Promise<void>;
  /** Collects the user kubeconfigs written (removed on stop). */
  written: Set<string>;
}

/** The static-user methods of an {@linkcode ApiServer}. */
function userAccess(d: UserAccessDeps): Pick<ApiServer, "issueUserToken" | "writeUserKubeconfig"> {
  const issueUserToken = async (username: string, groups: string[] = []) => {
    const { user, created } = d.authn.staticUser(username, groups);
    if (created) await d.persist();
    return user.token;
  };
  return {
    issueUserToken,
    async writeUserKubeconfig(username, groups) {
      const path = userKubeconfigPath(d.adminKubeconfig, username);
      await d.writeKubeconfig(path, await issueUserToken(username, groups));
      d.written.add(path);
      return path;
    },
  };
}

/** Starts the API server and writes its kubeconfig. */
export async function startApiServer(opts: ApiServerOptions = {}): Promise<ApiServer> {
  const file = opts.dataDir ? `${opts.dataDir}/state.json` : undefined;
  if (opts.dataDir) await Deno.mkdir(opts.dataDir, { recursive: true });
  const identity = await loadIdentity(opts.dataDir, opts.http === true);
  const { tls, token } = identity;
  const store = new Store({ file });
  await store.load();
  const now = opts.now ?? (() => new Date());
  const api = new Api(store, new Registry(), now);
  const authn = await authenticatorOf(
    identity,
    (plural, ns, name) => store.get(`/${plural}`, ns, name),
    now,
  );
  const log = createLogger({ component: "harness-apiserver" }, { level: opts.logLevel ?? "warn" });
  const controllers = new Controllers(api);
  controllers.onError = (job, e) => log.warn("controller job failed", { job, error: String(e) });
  seed(api);
  seedRbac(api);
  const aggregator = new RoleAggregator(api);
  aggregator.onError = (e) => log.warn("clusterrole aggregation failed", { error: String(e) });
  const hub = new WatchHub();
  let streamHandler: PodStreamHandler | undefined;
  let host = "";
  const handler = createHandler({
    log,
    api,
    hub,
    authn,
    host: () => host,
    streamHandler: () => streamHandler,
  });
  const ac = new AbortController();
  const server = serveOnPreferredPort(opts.port ?? identity.port, (port) =>
    Deno.serve({
      hostname: "127.0.0.1",
      port,
      signal: ac.signal,
      onListen: () => {},
      ...(tls ? { cert: tls.certPem, key: tls.keyPem } : {}),
    }, handler));
  identity.port = server.addr.port;
  await saveIdentity(opts.dataDir, identity);
  host = `127.0.0.1:${server.addr.port}`;
  const url = `${tls ? "https" : "http"}://${host}`;
  const kubeconfigPath = opts.kubeconfigPath ??
    await Deno.makeTempFile({ prefix: "harness-kubeconfig-", suffix: ".yaml" });
  const writeKubeconfig = (path: string, token: string) =>
    Deno.writeTextFile(
      path,
      kubeconfigYaml({
        url,
        token,
        caCertPem: tls?.caCertPem,
        namespace: opts.namespace ?? "default",
      }),
    );
  await writeKubeconfig(kubeconfigPath, token);
  const ownKubeconfig = opts.kubeconfigPath === undefined;
  const userKubeconfigs = new Set<string>();
  return {
    url,
    token,
    caCertPem: tls?.caCertPem ?? "",
    kubeconfigPath,
    api,
    authn,
    async issueServiceAccountToken(namespace, name, o = {}) {
      const r = await createTokenRequest({ api, authn }, namespace, name, { spec: o });
      return String((r.status as Record<string, unknown>).token);
    },
    ...userAccess({
      authn,
      persist: () => saveIdentity(opts.dataDir, identity),
      adminKubeconfig: kubeconfigPath,
      writeKubeconfig,
      written: userKubeconfigs,
    }),
    closeWatches: () => hub.closeAll(),
    setPodStreamHandler(h) {
      streamHandler = h;
    },
    async stop() {
      hub.closeAll();
      controllers.stop();
      aggregator.stop();
      ac.abort();
      await finishWithin(
        server.finished,
        5000,
        () => log.warn("open connections still running 5 s after stop (a stream handler?)"),
      );
      await store.flush();
      if (!ownKubeconfig) return;
      for (const p of [kubeconfigPath, ...userKubeconfigs]) await Deno.remove(p).catch(() => {});
    },
  };
}
