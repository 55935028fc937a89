/** `kubectl nmcp delete`: deletes MCPServers or MCPPools by name, selector, `--all` or file. */

import type { Context, Session } from "../context.ts";
import { placeObjects, readObjects } from "../files.ts";
import { collectionPath } from "../kube/client.ts";
import { isNotFound } from "../../lib/kube/errors.ts";
import { errorText } from "../output/errors.ts";
import { clientOf, deleteObject } from "../raw.ts";
import { parseTargets, resolveKind, type ResourceKind } from "../resources.ts";
import { dryRunSuffix, parseDryRun } from "../write_flags.ts";

/** Options of `delete`. */
export interface DeleteOptions {
  filename?: string[];
  ignoreNotFound?: boolean;
  /** Delete every object of the type in the namespace (`-A`: all namespaces). */
  all?: boolean;
  selector?: string;
  dryRun?: string | boolean;
}

interface Work {
  kind: ResourceKind;
  namespace: string;
  name: string;
}

const NO_TARGET = "You must provide one or more resources by argument or filename.\n" +
  "Example resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n" +
  "   '<resource> <name>'\n   '<resource>'";

async function fromFiles(files: string[], session: Session): Promise<Work[]> {
  const objs = placeObjects(await readObjects(files), session.defaultNamespace, undefined);
  return objs.map((o) => ({
    kind: resolveKind(o.kind),
    namespace: o.metadata.namespace!,
    name: o.metadata.name!,
  }));
}

async function fromArgs(args: string[], opts: DeleteOptions, session: Session): Promise<Work[]> {
  const targets = parseTargets(args);
  const wide = opts.all === true || opts.selector !== undefined;
  if (!wide) {
    if (targets.length > 0 && targets.every((t) => t.names.length === 0)) {
      throw new Error("resource(s) were provided, but no name was specified");
    }
    return targets.flatMap((t) =>
      t.names.map((name) => ({ kind: t.kind, namespace: session.defaultNamespace, name }))
    );
  }
  if (targets.some((t) => t.names.length > 0)) {
    throw new Error("name cannot be provided when a selector is specified");
  }
  const out: Work[] = [];
  for (const { kind } of targets) {
    const list = await session.kube.list(kind, session.namespace, opts.selector);
    for (const o of list.items) {
      out.push({ kind, namespace: o.metadata.namespace!, name: o.metadata.name! });
    }
  }
  return out;
}

/** Runs `delete`. */
export async function run(
  _name: string,
  args: string[],
  opts: DeleteOptions,
  ctx: Context,
): Promise<number> {
  const dryRun = parseDryRun(opts.dryRun);
  if (args.length === 0 && !opts.filename) throw new Error(NO_TARGET);
  const session = await ctx.connect();
  const work = [
    ...(opts.filename ? await fromFiles(opts.filename, session) : []),
    ...await fromArgs(args, opts, session),
  ];
  if (work.length === 0) {
    ctx.io.out("No resources found\n");
    return 0;
  }
  let failed = 0;
  for (const w of work) {
    try {
      const path = `${collectionPath(w.kind, w.namespace)}/${encodeURIComponent(w.name)}`;
      if (dryRun !== "client") await deleteObject(clientOf(session), path, dryRun === "server");
      ctx.io.out(`${w.kind.singular}.${w.kind.group} "${w.name}" deleted${dryRunSuffix(dryRun)}\n`);
    } catch (err) {
      if (isNotFound(err) && opts.ignoreNotFound) continue;
      failed++;
      ctx.io.err(errorText(err));
    }
  }
  return failed > 0 ? 1 : 0;
}
