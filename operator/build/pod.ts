/** The pure Pod and Service builders of an MCPServer. */

import {
  ANNOTATIONS,
  API_VERSION,
  LABELS,
  MANAGED_BY,
  MCP_SERVER,
  type MCPPool,
  type MCPServer,
  type ObjectMeta,
  type OwnerReference,
} from "../../lib/api/mod.ts";
import {
  canonicalJson,
  DECLARED_KEY,
  declaredConfigMapName,
  hashOf,
  podName,
  serviceName,
  TOKEN_KEY,
  tokenSecretName,
} from "./names.ts";
import {
  containerSecurityContext,
  DEFAULT_MCP_RESOURCES,
  GATEWAY_RESOURCES,
  LAUNCHER_RESOURCES,
  podSecurityContext,
} from "./security.ts";
import type { Container, Entrypoint, Pod, Service } from "./types.ts";

/** Port of the gateway sidecar inside every MCP pod. */
export const GATEWAY_PORT = 8080;
/**
 * V8 flags of the gateway sidecar: a 1 MiB young generation holds its RSS under load near 80 MiB
 * instead of about 175 MiB (over its 128 Mi limit), at the same throughput (`bench gateway`).
 */
export const GATEWAY_V8_FLAGS = "--max-semi-space-size=1";
/** Where the shared emptyDir (launcher + FIFOs) is mounted. */
export const NMCP_DIR = "/nmcp";
/** Path of the copied launcher binary. */
export const LAUNCHER = `${NMCP_DIR}/bin/busybox`;
/** Where the gateway token Secret is mounted in the gateway sidecar. */
export const TOKEN_DIR = "/var/run/nmcp/token";
/** The gateway's `--token-file`. */
export const TOKEN_FILE = `${TOKEN_DIR}/${TOKEN_KEY}`;
/** Where a server's declared ConfigMap is mounted in the gateway container. */
export const DECLARED_DIR = "/etc/nmcp/declared";
/** The gateway's `--declared-file`. */
export const DECLARED_FILE = `${DECLARED_DIR}/${DECLARED_KEY}`;
/** The MCP container's writable HOME (an emptyDir; runtimes such as npx need one). */
export const HOME_DIR = "/home/nmcp";
/** Bumped when the pod's shape changes, so running pods roll onto the new shape. */
const POD_SHAPE = 2;
/**
 * The shell script run by the launcher: create FIFOs if absent (mode 666: the gateway may run
 * under another uid; the emptyDir is the pod's own), then exec the entrypoint.
 */
export const LAUNCH_SCRIPT = `for f in ${NMCP_DIR}/in ${NMCP_DIR}/out; do ` +
  `[ -p "$f" ] || ${LAUNCHER} mkfifo -m 666 "$f" 2>/dev/null || [ -p "$f" ] || exit 70; done; ` +
  `exec "$@" <${NMCP_DIR}/in >${NMCP_DIR}/out`;

/** Options of {@linkcode buildPod}. */
export interface PodOptions {
  /** Image of the gateway sidecar (carries `nmcp-gateway`). */
  gatewayImage: string;
  /** Image whose /bin/busybox becomes the stdio launcher. Default `busybox:1.37`. */
  launcherImage?: string;
  /** Entrypoint of the MCP container; required for stdio servers. */
  entrypoint?: Entrypoint;
  /** The server's pool, for its default resources. */
  pool?: MCPPool | null;
  /** ServiceAccount for MCP pods when the spec names none. Default: the namespace's default. */
  serviceAccountName?: string;
  /** Gateway log level. */
  gatewayLogLevel?: string;
  /** Extra gateway environment (the OpenTelemetry variables when tracing is on). */
  gatewayEnv?: { name: string; value: string }[];
}

/** The controller owner reference pointing at an MCPServer. */
export function ownerRef(server: MCPServer): OwnerReference {
  return {
    apiVersion: API_VERSION,
    kind: MCP_SERVER.kind,
    name: server.metadata.name!,
    uid: server.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Labels of every object nmcp creates for a server. */
export function serverLabels(server: MCPServer, component: string): Record<string, string> {
  return {
    [LABELS.server]: server.metadata.name!,
    [LABELS.pool]: server.spec.pool ?? "default",
    [LABELS.managedBy]: MANAGED_BY,
    [LABELS.component]: component,
  };
}

/** Metadata of an object owned by a server: name, namespace, labels, controller ownerRef. */
export function ownedMeta(server: MCPServer, name: string, component: string): ObjectMeta {
  return {
    name,
    namespace: server.metadata.namespace,
    labels: serverLabels(server, component),
    ownerReferences: [ownerRef(server)],
  };
}

/** Labels selecting the pods of a server (the Service's and the NetworkPolicy's selector). */
export function podSelectorOf(server: MCPServer): Record<string, string> {
  return { [LABELS.server]: server.metadata.name!, [LABELS.component]: "mcp-server" };
}

/** Whether a server serves declared objects (has a toolSelector). */
export function isDeclared(server: MCPServer): boolean {
  return server.spec.toolSelector !== undefined;
}

/** Whether a server is virtual: declared objects only, no image or package (gateway only). */
export function isVirtual(server: MCPServer): boolean {
  return isDeclared(server) && !server.spec.image && !server.spec.package;
}

/**
 * The hash of the spec that shapes the pod (not the resolved entrypoint): a new hash rolls it.
 * The toolSelector and what it selects are not in it (the gateway reloads its ConfigMap);
 * only whether there is one.
 */
export function specHash(server: MCPServer, opts: PodOptions): string {
  const { spec } = server;
  return hashOf({
    shape: POD_SHAPE,
    spec: {
      ...spec,
      idleTimeout: undefined,
      pool: undefined,
      network: undefined,
      auth: undefined,
      toolSelector: undefined,
    },
    ...(isDeclared(server) ? { declared: true } : {}),
    resources: spec.resources ?? opts.pool?.spec.defaultResources,
    gatewayImage: opts.gatewayImage,
    launcherImage: launcherImage(opts),
    serviceAccountName: opts.serviceAccountName,
    ...(opts.gatewayEnv?.length ? { gatewayEnv: opts.gatewayEnv } : {}),
  });
}

function launcherImage(opts: PodOptions): string {
  return opts.launcherImage ?? "busybox:1.37";
}

/** Host names the gateway accepts: loopback, the pod IP and the Service's DNS names. */
export function allowedHosts(server: MCPServer): string[] {
  const svc = serviceName(server.metadata.name!);
  const ns = server.metadata.namespace ?? "default";
  return [
    "localhost",
    "127.0.0.1",
    "[::1]",
    "$(POD_IP)",
    svc,
    `${svc}.${ns}`,
    `${svc}.${ns}.svc`,
    `${svc}.${ns}.svc.cluster.local`,
  ];
}

function gatewayArgs(server: MCPServer, opts: PodOptions): string[] {
  const t = server.spec.transport ?? { type: "stdio" };
  const args = ["nmcp-gateway"];
  if (isVirtual(server)) args.push("--virtual", "--server-name", server.metadata.name!);
  else if (t.type === "stdio") args.push("--fifo", NMCP_DIR);
  else {
    const path = t.path ?? (t.type === "sse" ? "/sse" : "/mcp");
    const flag = t.type === "sse" ? "--sse" : "--http";
    args.push(flag, `http://127.0.0.1:${t.port}${path}`);
  }
  args.push("--port", String(GATEWAY_PORT), `--allowed-hosts=${allowedHosts(server).join(",")}`);
  args.push("--token-file", TOKEN_FILE);
  if (isDeclared(server)) args.push("--declared-file", DECLARED_FILE);
  // Keys sorted: the same policy always gives the same argument.
  if (server.spec.tools) args.push("--tools-policy", canonicalJson(server.spec.tools));
  if (opts.gatewayLogLevel) args.push("--log-level", opts.gatewayLogLevel);
  return args;
}

function gatewayContainer(server: MCPServer, opts: PodOptions, stdio: boolean): Container {
  const probe = (path: string, period: number) => ({
    httpGet: { path, port: GATEWAY_PORT },
    periodSeconds: period,
    timeoutSeconds: 2,
  });
  return {
    name: "nmcp-gateway",
    image: opts.gatewayImage,
    // A native sidecar next to the MCP container; a virtual server's only container.
    ...(isVirtual(server) ? {} : { restartPolicy: "Always" as const }),
    command: gatewayArgs(server, opts),
    env: [
      { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      { name: "DENO_V8_FLAGS", value: GATEWAY_V8_FLAGS },
      ...structuredClone(opts.gatewayEnv ?? []),
    ],
    ports: [{ name: "mcp", containerPort: GATEWAY_PORT, protocol: "TCP" }],
    readinessProbe: probe("/readyz", 1),
    livenessProbe: { ...probe("/healthz", 10), failureThreshold: 3 },
    resources: structuredClone(GATEWAY_RESOURCES),
    securityContext: containerSecurityContext(server, { pinned: true, readOnlyRoot: true }),
    volumeMounts: [
      ...(stdio ? [{ name: "nmcp", mountPath: NMCP_DIR }] : []),
      { name: "gateway-token", mountPath: TOKEN_DIR, readOnly: true },
      ...(isDeclared(server)
        ? [{ name: "declared", mountPath: DECLARED_DIR, readOnly: true }]
        : []),
    ],
  };
}

function launcherContainer(server: MCPServer, opts: PodOptions): Container {
  return {
    name: "nmcp-launcher",
    image: launcherImage(opts),
    command: [
      "/bin/busybox",
      "sh",
      "-c",
      `mkdir -p ${NMCP_DIR}/bin && cp /bin/busybox ${LAUNCHER}`,
    ],
    resources: structuredClone(LAUNCHER_RESOURCES),
    securityContext: containerSecurityContext(server, { pinned: true }),
    volumeMounts: [{ name: "nmcp", mountPath: NMCP_DIR }],
  };
}

function mcpContainer(server: MCPServer, opts: PodOptions, stdio: boolean): Container {
  const { spec } = server;
  if (!spec.image) {
    throw new TypeError(`Cannot build pod for MCPServer "${server.metadata.name}": no image`);
  }
  const c: Container = { name: "mcp", image: spec.image };
  if (stdio) {
    const ep = opts.entrypoint;
    if (!ep || ep.command.length + ep.args.length === 0) {
      throw new TypeError(
        `Cannot build pod for MCPServer "${server.metadata.name}": entrypoint unknown`,
      );
    }
    c.command = [LAUNCHER, "sh", "-c", LAUNCH_SCRIPT, "nmcp-launch", ...ep.command, ...ep.args];
  } else {
    if (spec.command) c.command = [...spec.command];
    if (spec.args) c.args = [...spec.args];
  }
  const env = structuredClone(spec.env ?? []);
  if (!env.some((e) => e.name === "HOME")) env.unshift({ name: "HOME", value: HOME_DIR });
  c.env = env;
  if (spec.envFrom?.length) c.envFrom = structuredClone(spec.envFrom);
  const resources = spec.resources ?? opts.pool?.spec.defaultResources ?? DEFAULT_MCP_RESOURCES;
  c.resources = structuredClone(resources);
  c.securityContext = containerSecurityContext(server, { pinned: false });
  c.volumeMounts = [
    ...(stdio ? [{ name: "nmcp", mountPath: NMCP_DIR }] : []),
    { name: "home", mountPath: HOME_DIR },
  ];
  return c;
}

function volumes(server: MCPServer, stdio: boolean): Record<string, unknown>[] {
  const name = server.metadata.name!;
  return [
    ...(stdio ? [{ name: "nmcp", emptyDir: {} }] : []),
    ...(isVirtual(server) ? [] : [{ name: "home", emptyDir: { sizeLimit: "1Gi" } }]),
    { name: "gateway-token", secret: { secretName: tokenSecretName(name), defaultMode: 0o444 } },
    ...(isDeclared(server)
      ? [{ name: "declared", configMap: { name: declaredConfigMapName(name), defaultMode: 0o444 } }]
      : []),
  ];
}

/**
 * Builds the pod running an MCPServer: launcher init step, gateway sidecar, MCP container; a
 * virtual server's pod runs the gateway alone.
 */
export function buildPod(server: MCPServer, opts: PodOptions): Pod {
  const virtual = isVirtual(server);
  const stdio = !virtual && (server.spec.transport?.type ?? "stdio") === "stdio";
  const hash = specHash(server, opts);
  // No name: the namespace's default ServiceAccount (token not mounted).
  const sa = server.spec.serviceAccountName ?? opts.serviceAccountName;
  const gateway = gatewayContainer(server, opts, stdio);
  const init: Container[] = stdio ? [launcherContainer(server, opts)] : [];
  if (!virtual) init.push(gateway);
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: podName(server.metadata.name!, hash),
      namespace: server.metadata.namespace,
      labels: serverLabels(server, "mcp-server"),
      annotations: { [ANNOTATIONS.specHash]: hash },
      ownerReferences: [ownerRef(server)],
    },
    spec: {
      ...(sa ? { serviceAccountName: sa } : {}),
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 10,
      securityContext: podSecurityContext(server),
      ...(server.spec.imagePullSecrets?.length
        ? { imagePullSecrets: server.spec.imagePullSecrets.map((s) => ({ name: s.name })) }
        : {}),
      ...(init.length ? { initContainers: init } : {}),
      containers: [virtual ? gateway : mcpContainer(server, opts, stdio)],
      volumes: volumes(server, stdio),
    },
  };
}

/** Builds the ClusterIP Service (port 80 → gateway 8080) of an MCPServer. */
export function buildService(server: MCPServer): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: ownedMeta(server, serviceName(server.metadata.name!), "mcp-service"),
    spec: {
      type: "ClusterIP",
      selector: podSelectorOf(server),
      ports: [{ name: "http", port: 80, targetPort: "mcp", protocol: "TCP" }],
    },
  };
}
