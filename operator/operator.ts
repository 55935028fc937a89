/** Assembles the operator: kube client, caches, controller, activity poller, HTTP, leader election. */

import type { MCPServer } from "../lib/api/mod.ts";
import { createLogger, type Logger, type LogLevel } from "../lib/log.ts";
import { ActivityPoller, activityTargets } from "./activity.ts";
import { createHttpHandler } from "./api/http.ts";
import { allowAnonymous, type Authenticator, type Challenge } from "./auth/authn.ts";
import {
  accessReviewAuthorizer,
  allowAll,
  type Authorizer,
  tokenReviewAuthenticator,
} from "./auth/kubernetes.ts";
import { loadTokenKey } from "./auth/key.ts";
import {
  createOAuthVerifier,
  type OAuthClusterConfig,
  validateClusterOAuth,
} from "./auth/oauth/mod.ts";
import { oauthRouting } from "./auth/oauth_routing.ts";
import { deriveServerToken } from "./auth/server_token.ts";
import { Cache } from "./controller/cache.ts";
import { Controller } from "./controller/controller.ts";
import { EventRecorder } from "./events.ts";
import { createKubeClient, type KubeClient, loadClusterAccess } from "../lib/kube/mod.ts";
import { LeaderElector } from "./leader.ts";
import { registerInventoryMetrics } from "./inventory_metrics.ts";
import { createMetrics, type OperatorMetrics } from "./metrics.ts";
import { parseAuthHosts } from "./registry/realm.ts";
import { createResolver } from "./registry/resolver.ts";
import { serveGuarded } from "../lib/http/mod.ts";
import type { RuntimeImages } from "./build/package_runtime.ts";
import {
  type Env,
  flagEnv,
  loadTracing,
  type OtelFlags,
  sidecarEnv,
  traceConfig,
} from "../lib/trace/mod.ts";

/** Options of {@linkcode startOperator} (the flags of main.ts). */
export interface OperatorOptions {
  kubeconfig?: string;
  context?: string;
  /** Watch one namespace; default all. */
  namespace?: string;
  /** host:port of the router/management API. Default `:8080`. */
  listen?: string;
  gatewayImage: string;
  launcherImage?: string;
  /** Images running `spec.package` servers (`--npm-runtime-image`, `--pypi-runtime-image`). */
  runtimeImages?: RuntimeImages;
  leaderElect?: boolean;
  leaseName?: string;
  leaseNamespace?: string;
  /** Lease duration in seconds (renew deadline 2/3 and retry period 2/15 of it). Default 15. */
  leaseDurationSeconds?: number;
  identity?: string;
  imageAllowlist?: string[];
  /** Create a NetworkPolicy per MCPServer (`--network-policy`). Default true. */
  networkPolicy?: boolean;
  /** `registry=host` token hosts besides each registry's own (`--registry-auth-hosts`). */
  registryAuthHosts?: string[];
  /** The gateway-token key; default: loaded (or created) with `loadTokenKey()`. */
  tokenKey?: CryptoKey;
  /** Seconds before a not-ready pod makes its server Degraded. Default 120. */
  readyTimeout?: number;
  /** Seconds a request head may take on the router/API port; 0 = no limit. Default 10. */
  headerTimeout?: number;
  logLevel?: LogLevel;
  /** Parallel reconciles. Default 4. */
  workers?: number;
  /** Activity poll period. Default 3000 ms. */
  activityIntervalMs?: number;
  /** Called when leadership is lost (main.ts exits so the pod restarts). */
  onLostLeadership?: () => void;
  /** `kubernetes` (TokenReview + SubjectAccessReview, default) or `none` (local development). */
  auth?: "kubernetes" | "none";
  /** Read the gateway-token key from this file instead of the Secret in the lease namespace. */
  tokenKeyFile?: string;
  /** Seconds a TokenReview/SubjectAccessReview answer is reused (denials ≤ 2 s). Default 10. */
  authCacheTtl?: number;
  /** Authenticators tried before the Kubernetes one (e.g. OAuth JWTs). */
  authenticators?: Authenticator[];
  /** Extra parameters of the 401 challenge (e.g. OAuth `resource_metadata`). */
  challenge?: Challenge;
  /** Answers `/.well-known/…` without authentication (e.g. RFC 9728 metadata). */
  wellKnown?: (req: Request) => Promise<Response>;
  /** MCP authorization: JWT access tokens of these issuers, for servers enabling `spec.auth.oauth`. */
  oauth?: OAuthClusterConfig;
  /** Router and API only (`--disable-operator`): no controller, poller or leader election. */
  disableOperator?: boolean;
  /** No management API (`--disable-api`): the router, health and metrics only. */
  disableApi?: boolean;
  /** Tracing (`--otel-endpoint`, `--otel-sampler-ratio`); over the process's `OTEL_*` variables. */
  otel?: OtelFlags;
}

/** The OpenTelemetry environment: the process's `OTEL_*` variables, the flags over them. */
function otelEnv(opts: OperatorOptions): Env {
  return { ...Deno.env.toObject(), ...flagEnv(opts.otel ?? {}) };
}

/** A running operator. */
export interface RunningOperator {
  /** Base URL of the HTTP port. */
  url: string;
  cache: Cache;
  isLeader: () => boolean;
  /** Stops everything (a leader releases its lease first). */
  stop(): Promise<void>;
}

/** Parses `host:port` (`:8080` = all interfaces). */
export function parseListen(listen: string): { hostname: string; port: number } {
  const i = listen.lastIndexOf(":");
  const port = Number(listen.slice(i + 1));
  if (i < 0 || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`Cannot listen on "${listen}": expected host:port`);
  }
  return { hostname: listen.slice(0, i).replace(/^\[|\]$/g, "") || "0.0.0.0", port };
}

function leaderParts(opts: OperatorOptions, deps: {
  cache: Cache;
  log: Logger;
  controller: Controller;
  poller: ActivityPoller;
  metrics: OperatorMetrics;
}) {
  let leading = false;
  const begin = () => {
    leading = true;
    deps.metrics.isLeader.set(1);
    deps.controller.start();
    deps.poller.start();
  };
  const end = async () => {
    if (!leading) return;
    leading = false;
    deps.metrics.isLeader.set(0);
    await deps.controller.stop();
    await deps.poller.stop();
    opts.onLostLeadership?.();
  };
  return { begin, end, leading: () => leading };
}

function phaseCounts(cache: Cache): Record<string, number> {
  const out: Record<string, number> = {};
  for (const s of cache.servers.store.values()) {
    const p = s.status?.phase ?? "Unknown";
    out[p] = (out[p] ?? 0) + 1;
  }
  return out;
}

interface Core {
  controller: Controller;
  poller: ActivityPoller;
  metrics: OperatorMetrics;
}

type ServerToken = (server: MCPServer) => Promise<string>;

/** The operator's own namespace (where its Lease, key Secret and pods live). */
function operatorNamespace(opts: OperatorOptions): string {
  return opts.leaseNamespace ?? "nmcp-system";
}

function createCore(
  opts: OperatorOptions,
  deps: {
    client: KubeClient;
    cache: Cache;
    log: Logger;
    tokenKey: CryptoKey;
    serverToken: ServerToken;
  },
): Core {
  const { client, cache, log, serverToken } = deps;
  const settings = {
    gatewayImage: opts.gatewayImage,
    launcherImage: opts.launcherImage,
    runtimeImages: opts.runtimeImages,
    readyTimeout: opts.readyTimeout,
    imageAllowlist: opts.imageAllowlist,
    oauth: opts.oauth,
    networkPolicy: opts.networkPolicy,
    operatorNamespace: operatorNamespace(opts),
    gatewayEnv: sidecarEnv(traceConfig(otelEnv(opts), "nmcp-operator")),
  };
  const late: { controller?: Controller } = {};
  const poller = new ActivityPoller({
    log,
    intervalMs: opts.activityIntervalMs,
    onChange: (key) => late.controller?.activityChanged(key),
    targets: () => activityTargets(cache, serverToken),
  });
  const metrics = createMetrics(() => phaseCounts(cache), () => late.controller?.queue.length ?? 0);
  registerInventoryMetrics(metrics.registry, {
    servers: () => cache.servers.store.values(),
    pools: () => cache.pools.store.values(),
    pods: (s) => cache.podsOf(s),
  });
  cache.servers.on((e) => {
    if (e.type === "DELETED") {
      metrics.routed.forget(e.object.metadata.namespace!, e.object.metadata.name!);
    }
  });
  const controller = late.controller = new Controller({
    client,
    cache,
    log,
    metrics,
    settings,
    activity: poller.latest,
    events: new EventRecorder(client, log, { instance: opts.identity }),
    resolveEntrypoint: createResolver(client, {
      registry: opts.registryAuthHosts
        ? { authHosts: parseAuthHosts(opts.registryAuthHosts) }
        : undefined,
      serviceAccount: `${operatorNamespace(opts)}:nmcp-operator`,
    }),
    tokenKey: deps.tokenKey,
    workers: opts.workers,
  });
  return { controller, poller, metrics };
}

function startElection(
  opts: OperatorOptions & { identity: string },
  deps: { client: KubeClient; log: Logger; metrics: OperatorMetrics },
  parts: { begin(): void; end(): Promise<void> },
): LeaderElector {
  const lease = opts.leaseDurationSeconds ?? 15;
  const elector = new LeaderElector({
    client: deps.client,
    log: deps.log,
    identity: opts.identity,
    namespace: opts.leaseNamespace ?? "nmcp-system",
    name: opts.leaseName ?? "nmcp-operator",
    leaseDurationSeconds: Math.ceil(lease),
    renewDeadlineMs: lease * 1000 * 2 / 3,
    retryPeriodMs: lease * 1000 * 2 / 15,
    onStartedLeading: () => parts.begin(),
    onStoppedLeading: () => parts.end(),
  });
  elector.start();
  return elector;
}

function authParts(
  opts: OperatorOptions,
  deps: { client: KubeClient; log: Logger; metrics: OperatorMetrics },
): { authenticators: Authenticator[]; authorizer: Authorizer } {
  if (opts.auth === "none") {
    deps.log.warn(
      "AUTHENTICATION DISABLED (--auth none): anyone who reaches this port can create, delete and call every MCPServer; use only for local development",
    );
    return { authenticators: [allowAnonymous], authorizer: allowAll };
  }
  const reviews = {
    ttlMs: (opts.authCacheTtl ?? 10) * 1000,
    onReview: (e: { review: string; result: string }) => deps.metrics.authReviews.inc(e),
  };
  return {
    authenticators: [...opts.authenticators ?? [], tokenReviewAuthenticator(deps.client, reviews)],
    authorizer: accessReviewAuthorizer(deps.client, reviews),
  };
}

function serverTokens(key: CryptoKey): ServerToken {
  return (s) => {
    const uid = s.metadata.uid;
    if (!uid) {
      const name = `${s.metadata.namespace}/${s.metadata.name}`;
      return Promise.reject(new TypeError(`Cannot derive token of MCPServer "${name}": no uid`));
    }
    return deriveServerToken(key, uid);
  };
}

/** Starts the controller: under leader election, at once, or not at all (`disableOperator`). */
function startControl(
  opts: OperatorOptions & { identity: string },
  deps: { client: KubeClient; log: Logger; metrics: OperatorMetrics },
  parts: { begin(): void; end(): Promise<void> },
): LeaderElector | undefined {
  if (opts.disableOperator) {
    deps.log.info("controller disabled (--disable-operator): router and API only");
    return undefined;
  }
  if (opts.leaderElect === false) return (parts.begin(), undefined);
  return startElection(opts, deps, parts);
}

/** Starts the operator. */
export async function startOperator(options: OperatorOptions): Promise<RunningOperator> {
  const identity = options.identity ?? Deno.env.get("POD_NAME") ??
    `${Deno.hostname()}-${crypto.randomUUID().slice(0, 8)}`;
  const oauthError = options.oauth && validateClusterOAuth(options.oauth);
  if (oauthError) throw new TypeError(oauthError);
  const opts = { ...options, identity };
  const log = createLogger({ component: "nmcp-operator" }, { level: opts.logLevel ?? "info" });
  const access = await loadClusterAccess({ kubeconfig: opts.kubeconfig, context: opts.context });
  const client = createKubeClient(access);
  const cache = new Cache(client, {
    namespace: opts.namespace,
    log,
    networkPolicies: opts.networkPolicy !== false,
  });
  const tokenKey = opts.tokenKey ??
    await loadTokenKey({ client, namespace: operatorNamespace(opts), file: opts.tokenKeyFile });
  const serverToken = serverTokens(tokenKey);
  const { controller, poller, metrics } = createCore(opts, {
    client,
    cache,
    log,
    tokenKey,
    serverToken,
  });
  let stopping = false;
  const parts = leaderParts({
    ...opts,
    onLostLeadership: () => stopping || opts.onLostLeadership?.(),
  }, { cache, log, controller, poller, metrics });
  const wakeTimeoutMs = ((opts.readyTimeout ?? 120) + 10) * 1000;
  const tracing = await loadTracing(otelEnv(opts), "nmcp-operator");
  const oauth = opts.oauth &&
    oauthRouting(
      opts.oauth,
      (ns, name) => cache.servers.store.get(`${ns}/${name}`),
      createOAuthVerifier(opts.oauth),
    );
  const auth = authParts({
    ...opts,
    authenticators: [...oauth ? [oauth.authenticator] : [], ...opts.authenticators ?? []],
  }, { client, log, metrics });
  const handler = createHttpHandler({
    client,
    cache,
    log,
    metrics,
    wakeTimeoutMs,
    serverToken,
    challenge: opts.challenge ?? oauth?.challenge,
    wellKnown: opts.wellKnown ?? oauth?.wellKnown,
    unifiedNamespace: opts.namespace ?? "default",
    managementApi: opts.disableApi !== true,
    tracing,
    ...auth,
  });
  const { hostname, port } = parseListen(opts.listen ?? ":8080");
  const headerTimeoutMs = (opts.headerTimeout ?? 10) * 1000;
  const http = serveGuarded({ hostname, port, headerTimeoutMs }, handler);
  const url = `http://${hostname === "0.0.0.0" ? "127.0.0.1" : hostname}:${http.addr.port}`;
  log.info("listening", { url, identity, headerGuard: http.guard });
  await cache.start();
  log.info("caches synced", { servers: cache.servers.store.size, pods: cache.pods.store.size });
  const elector = startControl(opts, { client, log, metrics }, parts);
  return {
    url,
    cache,
    isLeader: parts.leading,
    async stop() {
      stopping = true;
      if (elector) await elector.stop();
      else await parts.end();
      await http.shutdown();
      await cache.stop();
      client.close();
      if (tracing) {
        await Promise.race([
          tracing.shutdown(),
          new Promise((r) => setTimeout(r, 1000)),
        ]);
      }
    },
  };
}
