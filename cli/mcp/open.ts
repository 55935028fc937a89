/** Wakes an MCPServer, waits for it and tunnels its gateway to 127.0.0.1 (the `connect` path). */

import type { Context } from "../context.ts";
import { gatewayOf, type PodSpecLike } from "../connect/gateway.ts";
import { openTunnel } from "../connect/tunnel.ts";
import { waitReady } from "../connect/wait_ready.ts";
import { startPatch } from "../requests.ts";
import { SERVER } from "../resources.ts";

/** An open path to a server's MCP endpoint. */
export interface OpenServer {
  /** `http://127.0.0.1:PORT/mcp`. */
  url: string;
  close(): Promise<void>;
}

/** Options of {@linkcode openServer}. */
export interface OpenOptions {
  timeoutMs: number;
  /** Progress lines (stderr). */
  progress: (line: string) => void;
}

/** Requests the server, waits until Ready and opens a port-forward to its gateway. */
export async function openServer(
  ctx: Context,
  name: string,
  opts: OpenOptions,
): Promise<OpenServer> {
  const session = await ctx.connect();
  const ns = session.defaultNamespace;
  await session.kube.mergePatch(SERVER, ns, name, startPatch(ctx.now()));
  const podName = await waitReady(session, ns, name, opts);
  const remotePort = gatewayOf(await session.kube.getPod<PodSpecLike>(ns, podName)).port;
  const tunnel = await openTunnel(await session.kube.clusterAccess(), {
    namespace: ns,
    target: () => Promise.resolve(podName),
    remotePort,
    localPort: 0,
    onError: () => opts.progress(`Cannot forward to pod "${podName}": the tunnel failed\n`),
  });
  return { url: `http://127.0.0.1:${tunnel.port}/mcp`, close: () => tunnel.close() };
}
