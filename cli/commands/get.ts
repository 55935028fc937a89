/** `kubectl nmcp get [TYPE] [NAME…]`: MCPServers or MCPPools, as tables or documents. */

import type { Context, Session } from "../context.ts";
import type { KubeObject } from "../kube/client.ts";
import { objectTable } from "../output/columns.ts";
import { parseOutput, printObjects } from "../output/format.ts";
import { noResourcesLine, renderTable } from "../output/table.ts";
import { parseTargets, type ResourceKind, SERVER } from "../resources.ts";
import { alignRow, watchKinds, widthsOf } from "./_watch.ts";

/** Options of `get`. */
export interface GetOptions {
  output?: string;
  selector?: string;
  watch?: boolean;
  showLabels?: boolean;
}

async function fetchItems(
  session: Session,
  kind: ResourceKind,
  names: string[],
  selector: string | undefined,
): Promise<{ items: KubeObject[]; resourceVersion: string }> {
  if (names.length === 0) return await session.kube.list(kind, session.namespace, selector);
  const items: KubeObject[] = [];
  for (const name of names) {
    items.push(await session.kube.get(kind, session.defaultNamespace, name));
  }
  return { items, resourceVersion: items.at(-1)?.metadata.resourceVersion ?? "" };
}

/** Runs `get`. */
export async function run(
  _name: string,
  args: string[],
  opts: GetOptions,
  ctx: Context,
): Promise<number> {
  const spec = parseOutput(opts.output);
  const session = await ctx.connect();
  const targets = parseTargets(args);
  const { kind, names } = targets[0] ?? { kind: SERVER, names: [] };
  const { items, resourceVersion } = await fetchItems(session, kind, names, opts.selector);
  if (spec.kind !== "table") {
    ctx.io.out(await printObjects(spec, items, names.length === 1));
    return 0;
  }
  const view = {
    wide: spec.wide,
    namespaces: session.namespace === undefined && names.length === 0,
    labels: opts.showLabels === true,
  };
  const table = objectTable(kind, items, { ...view, now: ctx.now() });
  if (items.length === 0 && !opts.watch) {
    ctx.io.err(noResourcesLine(session.namespace));
    return 0;
  }
  ctx.io.out(renderTable(table));
  if (!opts.watch) return 0;
  const widths = widthsOf([table.headers, ...table.rows]);
  const wanted = new Set(names);
  await watchKinds<KubeObject>(
    session,
    [{ kind, resourceVersion, labelSelector: opts.selector }],
    (_kind, ev) => {
      if (wanted.size > 0 && !wanted.has(ev.object.metadata.name ?? "")) return;
      const row = objectTable(kind, [ev.object], { ...view, now: ctx.now() }).rows[0];
      ctx.io.out(alignRow(row, widths));
    },
  );
  return 0;
}
