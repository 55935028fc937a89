/** Finds the gateway sidecar in an MCP pod: the container exposing the port named `mcp`. */

/** The pod fields read here (a subset of V1Pod). */
export interface PodSpecLike {
  spec?: {
    containers?: ContainerLike[];
    initContainers?: ContainerLike[];
  };
}

interface ContainerLike {
  name: string;
  ports?: { name?: string; containerPort: number }[];
}

/** The gateway container name and MCP port the operator's pods use: `nmcp-gateway`, 8080 (`mcp`). */
export const DEFAULT_GATEWAY = { container: "nmcp-gateway", port: 8080 } as const;

/** The gateway's container and port; the contract's defaults when no port is named `mcp`. */
export function gatewayOf(pod: PodSpecLike): { container: string; port: number } {
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  for (const c of all) {
    const port = c.ports?.find((p) => p.name === "mcp");
    if (port) return { container: c.name, port: port.containerPort };
  }
  const byName = all.find((c) => c.name === DEFAULT_GATEWAY.container);
  return { container: byName?.name ?? DEFAULT_GATEWAY.container, port: DEFAULT_GATEWAY.port };
}

/** The names of all containers of a pod (init containers first). */
export function containerNames(pod: PodSpecLike): string[] {
  return [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => c.name);
}
