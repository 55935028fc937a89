/** `kubectl nmcp delete`: deletes MCPServers or MCPPools by name or from files. */

import type { Context } from "../context.ts";
import { placeObjects, readObjects } from "../files.ts";
import { isNotFound } from "../../lib/kube/errors.ts";
import { parseTargets, resolveKind, type ResourceKind } from "../resources.ts";

/** Options of `delete`. */
export interface DeleteOptions {
  filename?: string[];
  ignoreNotFound?: boolean;
}

/** Runs `delete`. */
export async function run(
  _name: string,
  args: string[],
  opts: DeleteOptions,
  ctx: Context,
): Promise<number> {
  const session = await ctx.connect();
  const work: { kind: ResourceKind; namespace: string; name: string }[] = [];
  if (opts.filename) {
    const objs = placeObjects(
      await readObjects(opts.filename),
      session.defaultNamespace,
      undefined,
    );
    for (const o of objs) {
      work.push({
        kind: resolveKind(o.kind),
        namespace: o.metadata.namespace!,
        name: o.metadata.name!,
      });
    }
  }
  for (const t of parseTargets(args)) {
    for (const name of t.names) {
      work.push({ kind: t.kind, namespace: session.defaultNamespace, name });
    }
  }
  if (work.length === 0) {
    throw new TypeError("Cannot delete: no names given (use NAME, TYPE/NAME or -f FILE)");
  }
  let failed = 0;
  for (const w of work) {
    try {
      await session.kube.remove(w.kind, w.namespace, w.name);
      ctx.io.out(`${w.kind.singular}.${w.kind.group} "${w.name}" deleted\n`);
    } catch (err) {
      if (isNotFound(err) && opts.ignoreNotFound) continue;
      failed++;
      const { describeError } = await import("../../lib/kube/errors.ts");
      ctx.io.err(`${describeError(err)}\n`);
    }
  }
  return failed > 0 ? 1 : 0;
}
