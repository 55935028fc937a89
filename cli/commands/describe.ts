/** `kubectl nmcp describe [TYPE] NAME`: conditions, pod, endpoint, activity and events. */

import type { MCPPool, MCPServer } from "../../lib/api/mod.ts";
import type { Context } from "../context.ts";
import { describePool, describeServer, type PodLike } from "../output/describe_view.ts";
import { parseTargets, SERVER } from "../resources.ts";

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
        ? await session.kube.getPod<PodLike>(ns, server.status.podName).catch(() => undefined)
        : undefined;
      parts.push(describeServer(server, { pod, events, now: ctx.now() }));
    } else {
      parts.push(describePool(obj as MCPPool, { events, now: ctx.now() }));
    }
  }
  ctx.io.out(parts.join("\n\n"));
  return 0;
}
