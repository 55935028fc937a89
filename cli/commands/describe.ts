/** `kubectl nmcp describe [TYPE] NAME`: conditions, pod, endpoint, activity, last wake, tools, events. */

import type { MCPPool, MCPServer } from "../../lib/api/mod.ts";
import { gatewayOf, type PodSpecLike } from "../connect/gateway.ts";
import type { Context, Session } from "../context.ts";
import {
  describePool,
  describeServer,
  type PodLike,
  type ToolRow,
  toolRows,
} from "../output/describe_view.ts";
import { parseTargets, SERVER } from "../resources.ts";

/** Longest wait for the gateway's `/metrics` through the port-forward. */
const TOOLS_TIMEOUT_MS = 5000;

/**
 * The server's per-tool figures, read from its gateway's `/metrics` through a port-forward
 * (the API server authorizes the caller's `create pods/portforward`), or why not.
 */
async function toolsOf(
  session: Session,
  server: MCPServer,
  pod: (PodLike & PodSpecLike) | undefined,
): Promise<ToolRow[] | string> {
  const podName = server.status?.podName;
  if (server.status?.phase !== "Ready" || !pod || !podName) return "server not running";
  const { openTunnel } = await import("../connect/tunnel.ts");
  let tunnel;
  try {
    tunnel = await openTunnel(await session.kube.clusterAccess(), {
      namespace: server.metadata.namespace!,
      target: () => Promise.resolve(podName),
      remotePort: gatewayOf(pod).port,
    });
    const res = await fetch(`http://127.0.0.1:${tunnel.port}/metrics`, {
      signal: AbortSignal.timeout(TOOLS_TIMEOUT_MS),
    });
    const text = await res.text();
    return res.ok ? toolRows(text) : `unavailable: the gateway answered ${res.status}`;
  } catch (err) {
    return `unavailable: ${(err as Error).message}`;
  } finally {
    await tunnel?.close();
  }
}

/** Runs `describe`. */
export async function run(
  _name: string,
  args: string[],
  _opts: Record<string, never>,
  ctx: Context,
): Promise<number> {
  const session = await ctx.connect();
  const ns = session.defaultNamespace;
  const { kind, names } = parseTargets(args)[0];
  const parts: string[] = [];
  for (const name of names) {
    const obj = await session.kube.get<MCPServer | MCPPool>(kind, ns, name);
    const events = await session.kube.events(ns, name, obj.metadata.uid).catch(() => []);
    if (kind === SERVER) {
      const server = obj as MCPServer;
      const pod = server.status?.podName
        ? await session.kube.getPod<PodLike & PodSpecLike>(ns, server.status.podName).catch(() =>
          undefined
        )
        : undefined;
      const tools = await toolsOf(session, server, pod);
      parts.push(describeServer(server, { pod, events, now: ctx.now(), tools }));
    } else {
      parts.push(describePool(obj as MCPPool, { events, now: ctx.now() }));
    }
  }
  ctx.io.out(parts.join("\n\n"));
  return 0;
}
