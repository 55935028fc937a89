/** `kubectl nmcp ls`: servers and pools in one view. */

import type { MCPPool, MCPServer } from "../../lib/api/mod.ts";
import type { Context } from "../context.ts";
import { lsTable, poolRow, serverRow } from "../output/ls_view.ts";
import { parseOutput, printObjects } from "../output/format.ts";
import { noResourcesLine, renderTable } from "../output/table.ts";
import { POOL, SERVER } from "../resources.ts";
import { alignRow, watchKinds, widthsOf } from "./_watch.ts";

/** Options of `ls`. */
export interface LsCommandOptions {
  output?: string;
  selector?: string;
  watch?: boolean;
  showLabels?: boolean;
}

/** Runs `ls`. */
export async function run(
  _name: string,
  _args: string[],
  opts: LsCommandOptions,
  ctx: Context,
): Promise<number> {
  const spec = parseOutput(opts.output);
  const session = await ctx.connect();
  const [servers, pools] = await Promise.all([
    session.kube.list<MCPServer>(SERVER, session.namespace, opts.selector),
    session.kube.list<MCPPool>(POOL, session.namespace, opts.selector),
  ]);
  if (spec.kind !== "table") {
    ctx.io.out(await printObjects(spec, [...servers.items, ...pools.items]));
    if (!opts.watch) return 0;
  }
  const view = {
    wide: spec.kind === "table" && spec.wide,
    namespaces: session.namespace === undefined,
    labels: opts.showLabels === true,
  };
  const table = lsTable(servers.items, pools.items, { ...view, now: ctx.now() });
  if (spec.kind === "table") {
    if (table.rows.length === 0 && !opts.watch) {
      ctx.io.err(noResourcesLine(session.namespace));
      return 0;
    }
    ctx.io.out(renderTable(table));
  }
  if (!opts.watch) return 0;
  const widths = widthsOf([table.headers, ...table.rows]);
  const allServers = new Map(servers.items.map((s) => [s.metadata.uid, s]));
  await watchKinds<MCPServer | MCPPool>(session, [
    { kind: SERVER, resourceVersion: servers.resourceVersion, labelSelector: opts.selector },
    { kind: POOL, resourceVersion: pools.resourceVersion, labelSelector: opts.selector },
  ], async (kind, ev) => {
    if (kind === SERVER) {
      const s = ev.object as MCPServer;
      if (ev.type === "DELETED") allServers.delete(s.metadata.uid);
      else allServers.set(s.metadata.uid, s);
    }
    if (spec.kind !== "table") {
      ctx.io.out(await printObjects(spec, [ev.object], true));
      return;
    }
    const now = ctx.now();
    const row = kind === SERVER
      ? serverRow(ev.object as MCPServer, { ...view, now })
      : poolRow(ev.object as MCPPool, [...allServers.values()], { ...view, now });
    ctx.io.out(alignRow(row, widths));
  });
  return 0;
}
