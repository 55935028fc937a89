/** How `run`, `add` and `secret set` report what they wrote, like kubectl. */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Context } from "../context.ts";
import { formatObjects, nameOf } from "../output/print.ts";

type Obj = { kind?: string; metadata?: { name?: string } };

/** Prints objects with `-o`, else one `kind.group/name verb` line each. */
export async function printWritten(
  ctx: Context,
  objects: Obj[],
  output: "json" | "yaml" | "name" | undefined,
  verb: string,
): Promise<void> {
  if (output) ctx.io.out(await formatObjects(objects, output, objects.length === 1));
  else for (const o of objects) ctx.io.out(`${nameOf(o)} ${verb}\n`);
}

/** On stderr: a package downloaded at start needs egress to its registry. */
export function registryHint(ctx: Context, server: MCPServer): void {
  const type = server.spec.package?.registryType;
  if ((type !== "npm" && type !== "pypi") || server.spec.network?.egress?.length) return;
  ctx.io.err(
    `note: the pod downloads the ${type} package when it starts; allow egress to the registry ` +
      `(spec.network.egress) where NetworkPolicies are enforced\n`,
  );
}
