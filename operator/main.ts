/** nmcp-operator: runs MCP servers on Kubernetes on demand. Wires flags to startOperator(). */

import { Command } from "commander";
import { parseLogLevel } from "../lib/log.ts";
import { OAUTH_DEFAULTS, type OAuthClusterConfig } from "./auth/oauth/mod.ts";
import { startOperator } from "./operator.ts";
import { DEFAULT_AUTH_HOSTS } from "./registry/realm.ts";
import { RELEASE } from "../lib/version.ts";

const VERSION = RELEASE;

function list(value: string, prev: string[] = []): string[] {
  return [...prev, ...value.split(",").map((s) => s.trim()).filter(Boolean)];
}

function seconds(value: string): number {
  const n = Number(value.replace(/s$/, ""));
  if (!Number.isFinite(n) || n <= 0) {
    throw new TypeError(`Cannot use duration "${value}": expected seconds`);
  }
  return n;
}

function authMode(value: string): "kubernetes" | "none" {
  if (value === "kubernetes" || value === "none") return value;
  throw new TypeError(`Cannot use --auth "${value}": expected kubernetes or none`);
}

/** A parser of `flag`'s value: seconds, 0 allowed. */
function zeroOrSeconds(flag: string): (value: string) => number {
  return (value) => {
    const n = Number(value.replace(/s$/, ""));
    if (!Number.isFinite(n) || n < 0) {
      throw new TypeError(`Cannot use ${flag} "${value}": expected seconds (0 or more)`);
    }
    return n;
  };
}

function ratio(value: string): number {
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0 || n > 1) {
    throw new TypeError(`Cannot use --otel-sampler-ratio "${value}": expected a ratio 0…1`);
  }
  return n;
}

const program = new Command("nmcp-operator")
  .description("Runs MCPServers on Kubernetes on demand")
  .version(VERSION)
  .option(
    "--kubeconfig <file>",
    "kubeconfig file (default: KUBECONFIG, ~/.kube/config, in-cluster)",
  )
  .option("--context <name>", "kubeconfig context")
  .option("--namespace <ns>", "watch one namespace (default: all)")
  .option("--listen <host:port>", "router and management API address", ":8080")
  .option("--host <host>", "listen address (with --port, instead of --listen)")
  .option("--port <port>", "listen port (with --host, instead of --listen)")
  .option("--disable-operator", "router and management API only: no controller, no leader election")
  .option("--disable-api", "no management API (router, health and metrics only)")
  .option("--gateway-image <image>", "gateway sidecar image", `ghcr.io/nwrx/nmcp:${VERSION}`)
  .option("--launcher-image <image>", "image providing /bin/busybox for stdio", "busybox:1.37")
  .option("--npm-runtime-image <image>", "image running npm packages (npx)", "node:22-alpine")
  .option(
    "--pypi-runtime-image <image>",
    "image running pypi packages (uvx)",
    "ghcr.io/astral-sh/uv:python3.12-alpine",
  )
  .option("--leader-elect [bool]", "use Lease leader election", (v) => v !== "false", true)
  .option("--no-leader-elect", "run without leader election")
  .option("--lease-name <name>", "Lease name", "nmcp-operator")
  .option("--lease-namespace <ns>", "Lease namespace", "nmcp-system")
  .option(
    "--lease-duration <seconds>",
    "Lease duration (renew deadline 2/3, retry 2/15 of it)",
    seconds,
    15,
  )
  .option(
    "--image-allowlist <globs>",
    "allowed image globs, comma separated (repeatable)",
    list,
    [] as string[],
  )
  .option(
    "--network-policy [bool]",
    "create a NetworkPolicy per MCPServer (false: for clusters without a policy engine)",
    (v) => v !== "false",
    true,
  )
  .option(
    "--registry-auth-hosts <registry=host>",
    "token hosts a registry may send the operator to besides its own (repeatable)",
    list,
    [...DEFAULT_AUTH_HOSTS],
  )
  .option("--ready-timeout <seconds>", "readiness timeout before Degraded", seconds, 120)
  .option(
    "--header-timeout <seconds>",
    "408 and close when a request head takes longer (0 = no limit)",
    zeroOrSeconds("--header-timeout"),
    10,
  )
  .option("--workers <n>", "parallel reconciles", (v) => Number(v), 4)
  .option("--log-level <level>", "debug, info, warn or error", parseLogLevel, "info" as const)
  .option(
    "--auth <mode>",
    "kubernetes (TokenReview + SubjectAccessReview) or none (local development only)",
    authMode,
    "kubernetes" as const,
  )
  .option("--token-key-file <file>", "gateway-token key (default: Secret nmcp-gateway-key)")
  .option(
    "--auth-cache-ttl <seconds>",
    "reuse TokenReview/SubjectAccessReview answers (denials at most 2 s; 0 = never)",
    zeroOrSeconds("--auth-cache-ttl"),
    10,
  )
  .option(
    "--oauth-issuer <url>",
    "accept JWT access tokens of this issuer for servers enabling spec.auth.oauth (repeatable)",
    list,
    [] as string[],
  )
  .option("--public-url <url>", "the router's public base URL (OAuth audience and metadata)")
  .option("--oauth-required-scope <scope>", "scope every access token needs (repeatable)", list, [])
  .option(
    "--oauth-username-claim <claim>",
    "JWT claim naming the caller",
    OAUTH_DEFAULTS.usernameClaim,
  )
  .option(
    "--oauth-groups-claim <claim>",
    "JWT claim listing the caller's groups",
    OAUTH_DEFAULTS.groupsClaim,
  )
  .option(
    "--oauth-prefix <prefix>",
    "prefix of OAuth user and group names in RBAC",
    OAUTH_DEFAULTS.prefix,
  )
  .option(
    "--otel-endpoint <url>",
    "export traces (OTLP/HTTP) here, from the router and every gateway (default: OTEL_EXPORTER_OTLP_ENDPOINT; none: off)",
  )
  .option(
    "--otel-sampler-ratio <ratio>",
    "share of new traces kept, 0…1 (parent-based; default: OTEL_TRACES_SAMPLER, else all)",
    ratio,
  );

program.parse();
const o = program.opts();

/** The cluster-wide OAuth settings, when any issuer is configured. */
function oauthOptions(): OAuthClusterConfig | undefined {
  if (o.oauthIssuer.length === 0) return undefined;
  if (!o.publicUrl) {
    console.error(
      "error: Cannot enable OAuth: --oauth-issuer needs --public-url (the audience base)",
    );
    Deno.exit(2);
  }
  return {
    issuers: o.oauthIssuer,
    audienceBase: o.publicUrl,
    requiredScopes: o.oauthRequiredScope,
    usernameClaim: o.oauthUsernameClaim,
    groupsClaim: o.oauthGroupsClaim,
    prefix: o.oauthPrefix,
    clockToleranceSeconds: OAUTH_DEFAULTS.clockToleranceSeconds,
  };
}

const op = await startOperator({
  kubeconfig: o.kubeconfig,
  context: o.context,
  namespace: o.namespace,
  listen: o.host !== undefined || o.port !== undefined
    ? `${o.host ?? "0.0.0.0"}:${o.port ?? "8080"}`
    : o.listen,
  disableOperator: o.disableOperator === true,
  disableApi: o.disableApi === true,
  gatewayImage: o.gatewayImage,
  launcherImage: o.launcherImage,
  runtimeImages: { npm: o.npmRuntimeImage, pypi: o.pypiRuntimeImage },
  leaderElect: o.leaderElect !== false,
  leaseName: o.leaseName,
  leaseNamespace: o.leaseNamespace,
  leaseDurationSeconds: o.leaseDuration,
  imageAllowlist: o.imageAllowlist,
  networkPolicy: o.networkPolicy !== false,
  registryAuthHosts: o.registryAuthHosts,
  readyTimeout: o.readyTimeout,
  headerTimeout: o.headerTimeout,
  workers: o.workers,
  logLevel: o.logLevel,
  auth: o.auth,
  tokenKeyFile: o.tokenKeyFile,
  authCacheTtl: o.authCacheTtl,
  oauth: oauthOptions(),
  otel: { endpoint: o.otelEndpoint, samplerRatio: o.otelSamplerRatio },
  onLostLeadership: () => Deno.exit(1),
});

let stopping = false;
const shutdown = async () => {
  if (stopping) return;
  stopping = true;
  const timer = setTimeout(() => Deno.exit(1), 10_000);
  await op.stop();
  clearTimeout(timer);
  Deno.exit(0);
};
Deno.addSignalListener("SIGTERM", shutdown);
Deno.addSignalListener("SIGINT", shutdown);
