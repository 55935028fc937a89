/** The hardened defaults of MCP pods: pod and container securityContexts, resources. */

import type { MCPServer, ResourceRequirements } from "../../lib/api/mod.ts";

/** The uid and gid MCP pods run as unless the server overrides them (distroless "nonroot"). */
export const NONROOT_ID = 65532;

/** Requests and limits of the MCP container when neither the server nor its pool sets any. */
export const DEFAULT_MCP_RESOURCES = {
  requests: { cpu: "50m", memory: "64Mi" },
  limits: { memory: "512Mi" },
} as const satisfies ResourceRequirements;

/** Requests and limits of the launcher init step (copies one binary). */
export const LAUNCHER_RESOURCES = {
  requests: { cpu: "10m", memory: "16Mi" },
  limits: { cpu: "100m", memory: "32Mi" },
} as const;

/** Requests and limits of the gateway sidecar. */
export const GATEWAY_RESOURCES = {
  requests: { cpu: "10m", memory: "32Mi" },
  limits: { memory: "128Mi" },
} as const;

/** The pod securityContext: non-root 65532, seccomp RuntimeDefault, with the server's overrides. */
export function podSecurityContext(server: MCPServer): Record<string, unknown> {
  const o = server.spec.securityContext ?? {};
  // An explicit runAsNonRoot: false lets the image's own user run (root included).
  const imageUser = o.runAsNonRoot === false;
  const sc: Record<string, unknown> = {
    runAsNonRoot: o.runAsNonRoot ?? true,
    ...(imageUser ? {} : { runAsUser: NONROOT_ID, runAsGroup: NONROOT_ID }),
    fsGroup: NONROOT_ID,
    seccompProfile: { type: "RuntimeDefault" },
  };
  for (const k of ["runAsUser", "runAsGroup", "fsGroup"] as const) {
    if (o[k] !== undefined) sc[k] = o[k];
  }
  if (o.supplementalGroups?.length) sc.supplementalGroups = [...o.supplementalGroups];
  return sc;
}

/** Whether the server's MCP container may run as root (then nmcp's own containers pin 65532). */
export function mayRunAsRoot(server: MCPServer): boolean {
  return server.spec.securityContext?.runAsNonRoot === false;
}

/**
 * The securityContext of a container: no privilege escalation, no capabilities. nmcp's own
 * containers (`pinned`) keep uid 65532 when the pod may run as root.
 */
export function containerSecurityContext(
  server: MCPServer,
  opts: { pinned: boolean; readOnlyRoot?: boolean },
): Record<string, unknown> {
  return {
    allowPrivilegeEscalation: false,
    ...(opts.readOnlyRoot ? { readOnlyRootFilesystem: true } : {}),
    capabilities: { drop: ["ALL"] },
    ...(opts.pinned && mayRunAsRoot(server)
      ? { runAsNonRoot: true, runAsUser: NONROOT_ID, runAsGroup: NONROOT_ID }
      : {}),
  };
}
