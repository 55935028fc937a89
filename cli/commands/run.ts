/** `kubectl nmcp run NAME --image IMG|--package npm:PKG [flags] -- CMD ARGS…`: one-line server. */

import type { Context } from "../context.ts";
import { createServer } from "../mcp/objects.ts";
import { type RunOptions, runServer } from "../mcp/run_spec.ts";
import { printWritten, registryHint } from "../mcp/written.ts";

/** Options of `run`. */
export interface RunCommandOptions extends RunOptions {
  dryRun?: string | boolean;
  output?: "json" | "yaml" | "name";
}

/** Runs `run`: builds the MCPServer and creates it (or prints it with --dry-run=client). */
export async function run(
  _verb: string,
  args: string[],
  opts: RunCommandOptions,
  ctx: Context,
): Promise<number> {
  const [name, ...command] = args;
  const dry = dryRunOf(opts.dryRun);
  // The kubeconfig gives the namespace; a client-side dry run sends nothing.
  const namespace = (await ctx.connect()).defaultNamespace;
  const server = runServer(name, namespace, command, opts);
  const written = dry ? server : await createServer(ctx, server);
  await printWritten(ctx, [written], opts.output, dry ? "created (dry run)" : "created");
  registryHint(ctx, server);
  return 0;
}

/** `--dry-run` as kubectl spells it: none (default), client; server is not supported here. */
export function dryRunOf(value: string | boolean | undefined): boolean {
  if (value === undefined || value === false || value === "none") return false;
  if (value === "client" || value === true) return true;
  throw new TypeError(`Cannot use --dry-run "${value}": expected none or client`);
}
