/** The pure Pod and Service builders of an MCPServer. */

import {
  ANNOTATIONS,
  API_VERSION,
  LABELS,
  MANAGED_BY,
  MCP_SERVER,
  type MCPPool,
  type MCPServer,
  type OwnerReference,
} from "../../lib/api/mod.ts";
import { hashOf, podName, serviceName } from "./names.ts";
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
/** The shell script run by the launcher: create FIFOs if absent, then exec the entrypoint. */
export const LAUNCH_SCRIPT = `for f in ${NMCP_DIR}/in ${NMCP_DIR}/out; do ` +
  `[ -p "$f" ] || ${LAUNCHER} mkfifo -m 0666 "$f" 2>/dev/null || [ -p "$f" ] || exit 70; done; ` +
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

/** The hash of the spec that shapes the pod (not the resolved entrypoint): a new hash rolls it. */
export function specHash(server: MCPServer, opts: PodOptions): string {
  const { spec } = server;
  return hashOf({
    spec: { ...spec, idleTimeout: undefined, pool: undefined },
    resources: spec.resources ?? opts.pool?.spec.defaultResources,
    gatewayImage: opts.gatewayImage,
    launcherImage: launcherImage(opts),
    serviceAccountName: opts.serviceAccountName,
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
  if (t.type === "stdio") args.push("--fifo", NMCP_DIR);
  else {
    const path = t.path ?? (t.type === "sse" ? "/sse" : "/mcp");
    const flag = t.type === "sse" ? "--sse" : "--http";
    args.push(flag, `http://127.0.0.1:${t.port}${path}`);
  }
  args.push("--port", String(GATEWAY_PORT), `--allowed-hosts=${allowedHosts(server).join(",")}`);
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
    restartPolicy: "Always",
    command: gatewayArgs(server, opts),
    env: [
      { name: "POD_IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
      { name: "DENO_V8_FLAGS", value: GATEWAY_V8_FLAGS },
    ],
    ports: [{ name: "mcp", containerPort: GATEWAY_PORT, protocol: "TCP" }],
    readinessProbe: probe("/readyz", 1),
    livenessProbe: { ...probe("/healthz", 10), failureThreshold: 3 },
    resources: { requests: { cpu: "10m", memory: "32Mi" }, limits: { memory: "128Mi" } },
    securityContext: {
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      capabilities: { drop: ["ALL"] },
    },
    ...(stdio ? { volumeMounts: [{ name: "nmcp", mountPath: NMCP_DIR }] } : {}),
  };
}

function mcpContainer(server: MCPServer, opts: PodOptions, stdio: boolean): Container {
  const { spec } = server;
  const c: Container = { name: "mcp", image: spec.image };
  if (stdio) {
    const ep = opts.entrypoint;
    if (!ep || ep.command.length + ep.args.length === 0) {
      throw new TypeError(
        `Cannot build pod for MCPServer "${server.metadata.name}": entrypoint unknown`,
      );
    }
    c.command = [LAUNCHER, "sh", "-c", LAUNCH_SCRIPT, "nmcp-launch", ...ep.command, ...ep.args];
    c.volumeMounts = [{ name: "nmcp", mountPath: NMCP_DIR }];
  } else {
    if (spec.command) c.command = [...spec.command];
    if (spec.args) c.args = [...spec.args];
  }
  if (spec.env?.length) c.env = structuredClone(spec.env);
  if (spec.envFrom?.length) c.envFrom = structuredClone(spec.envFrom);
  const resources = spec.resources ?? opts.pool?.spec.defaultResources;
  if (resources) c.resources = structuredClone(resources);
  return c;
}

/** Builds the pod running an MCPServer: launcher init step, gateway sidecar, MCP container. */
export function buildPod(server: MCPServer, opts: PodOptions): Pod {
  const stdio = (server.spec.transport?.type ?? "stdio") === "stdio";
  const hash = specHash(server, opts);
  // No name: the namespace's default ServiceAccount (token not mounted).
  const sa = server.spec.serviceAccountName ?? opts.serviceAccountName;
  const init: Container[] = [];
  if (stdio) {
    init.push({
      name: "nmcp-launcher",
      image: launcherImage(opts),
      command: [
        "/bin/busybox",
        "sh",
        "-c",
        `mkdir -p ${NMCP_DIR}/bin && cp /bin/busybox ${LAUNCHER}`,
      ],
      volumeMounts: [{ name: "nmcp", mountPath: NMCP_DIR }],
    });
  }
  init.push(gatewayContainer(server, opts, stdio));
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
      ...(server.spec.imagePullSecrets?.length
        ? { imagePullSecrets: server.spec.imagePullSecrets.map((s) => ({ name: s.name })) }
        : {}),
      initContainers: init,
      containers: [mcpContainer(server, opts, stdio)],
      ...(stdio ? { volumes: [{ name: "nmcp", emptyDir: {} }] } : {}),
    },
  };
}

/** Builds the ClusterIP Service (port 80 → gateway 8080) of an MCPServer. */
export function buildService(server: MCPServer): Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: serviceName(server.metadata.name!),
      namespace: server.metadata.namespace,
      labels: serverLabels(server, "mcp-service"),
      ownerReferences: [ownerRef(server)],
    },
    spec: {
      type: "ClusterIP",
      selector: { [LABELS.server]: server.metadata.name!, [LABELS.component]: "mcp-server" },
      ports: [{ name: "http", port: 80, targetPort: "mcp", protocol: "TCP" }],
    },
  };
}
