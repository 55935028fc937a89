/** `kubectl nmcp start|stop NAME…`: set the request annotations the operator acts on. */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Context } from "../context.ts";
import { startPatch, stopPatch } from "../requests.ts";
import { qualifiedName, SERVER } from "../resources.ts";

/** Options of `start`/`stop`. */
export interface RequestOptions {
  wait?: boolean;
  timeout?: string;
}

/** Runs `start` or `stop` (by `name`). */
export async function run(
  name: string,
  args: string[],
  opts: RequestOptions,
  ctx: Context,
): Promise<number> {
  const session = await ctx.connect();
  const ns = session.defaultNamespace;
  for (const server of args) {
    const patch = name === "stop" ? stopPatch(ctx.now()) : startPatch(ctx.now());
    await session.kube.mergePatch<MCPServer>(SERVER, ns, server, patch);
    ctx.io.out(
      `${qualifiedName(SERVER, server)} ${name === "stop" ? "stop" : "start"} requested\n`,
    );
  }
  if (name === "start" && opts.wait) {
    const { waitReady } = await import("../connect/wait_ready.ts");
    const timeoutMs = Number(opts.timeout ?? "120") * 1000;
    for (const server of args) {
      await waitReady(session, ns, server, { timeoutMs, progress: (l) => ctx.io.err(l) });
    }
  }
  return 0;
}
