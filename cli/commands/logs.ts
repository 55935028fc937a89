/** `kubectl nmcp logs NAME`: the MCP container's log (or the gateway's with --gateway). */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Context } from "../context.ts";
import { clientOf, streamLog } from "../raw.ts";
import { SERVER } from "../resources.ts";
import { containerNames, gatewayOf, type PodSpecLike } from "../connect/gateway.ts";

/** Options of `logs`. */
export interface LogsOptions {
  follow?: boolean;
  gateway?: boolean;
  tail?: string;
  previous?: boolean;
}

/** Runs `logs`. */
export async function run(
  _name: string,
  args: string[],
  opts: LogsOptions,
  ctx: Context,
): Promise<number> {
  const name = args[0];
  const session = await ctx.connect();
  const ns = session.defaultNamespace;
  const server = await session.kube.get<MCPServer>(SERVER, ns, name);
  const pod = server.status?.podName;
  if (!pod) {
    throw new Error(
      `Cannot read logs of MCPServer "${name}": it has no pod (phase ${
        server.status?.phase ?? "Idle"
      }; ` +
        `start it with kubectl nmcp start ${name})`,
    );
  }
  const podObj = await session.kube.getPod<PodSpecLike>(ns, pod);
  const container = opts.gateway ? gatewayOf(podObj).container : "mcp";
  if (!containerNames(podObj).includes(container)) {
    throw new Error(
      `Cannot read logs of MCPServer "${name}": pod ${pod} has no container "${container}" ` +
        `(it has ${containerNames(podObj).join(", ")})`,
    );
  }
  // Straight to the API (not client-node's Log) so an API error keeps its Status message.
  await streamLog(clientOf(session), ns, pod, {
    container,
    follow: opts.follow ? "true" : undefined,
    tailLines: opts.tail,
    previous: opts.previous ? "true" : undefined,
  }, (text) => ctx.io.out(text));
  return 0;
}
