/** `kubectl nmcp apply -f`: server-side apply of MCPServers and MCPPools. */

import type { Context } from "../context.ts";
import { placeObjects, readObjects } from "../files.ts";
import { qualifiedName, resolveKind } from "../resources.ts";
import { API_VERSION } from "../../lib/api/mod.ts";

/** Options of `apply`. */
export interface ApplyOptions {
  filename: string[];
  forceConflicts?: boolean;
}

/** Runs `apply`: every object is applied and reported; the exit code is 1 if any failed. */
export async function run(
  _name: string,
  _args: string[],
  opts: ApplyOptions,
  ctx: Context,
): Promise<number> {
  const objs = await readObjects(opts.filename);
  for (const o of objs) {
    if (o.apiVersion !== API_VERSION || (o.kind !== "MCPServer" && o.kind !== "MCPPool")) {
      throw new TypeError(
        `Cannot apply ${o.kind} "${o.metadata?.name}": only ${API_VERSION} MCPServer and MCPPool ` +
          `(use kubectl apply for other kinds)`,
      );
    }
    if (!o.metadata?.name) throw new TypeError(`Cannot apply ${o.kind}: metadata.name is required`);
  }
  const session = await ctx.connect();
  const placed = placeObjects(objs, session.defaultNamespace, ctx.flags.namespace);
  let failed = 0;
  const { describeError } = await import("../../lib/kube/errors.ts");
  for (const obj of placed) {
    const ref = qualifiedName(resolveKind(obj.kind), obj.metadata.name!);
    try {
      await session.kube.apply(obj, opts.forceConflicts === true);
      ctx.io.out(`${ref} serverside-applied\n`);
    } catch (err) {
      failed++;
      ctx.io.err(`error: Cannot apply ${ref}: ${describeError(err)}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}
