/** `kubectl nmcp apply -f`: server-side apply of MCPServers and MCPPools, strict by default. */

import type { Context } from "../context.ts";
import { placeObjects, readObjects } from "../files.ts";
import type { KubeObject } from "../kube/client.ts";
import { errorText, warningText } from "../output/errors.ts";
import { applyObject, clientOf } from "../raw.ts";
import { qualifiedName, resolveKind } from "../resources.ts";
import { dryRunSuffix, parseDryRun, parseValidate } from "../write_flags.ts";
import { API_VERSION } from "../../lib/api/mod.ts";

/** Options of `apply`. */
export interface ApplyOptions {
  filename: string[];
  forceConflicts?: boolean;
  /** `--validate`: strict (default), warn, ignore, true or false. */
  validate?: string | boolean;
  /** `--dry-run`: none (default), client or server. */
  dryRun?: string | boolean;
}

/** Checks the objects are nmcp kinds with names (what `apply` and `diff` accept). */
export function checkObjects(objs: KubeObject[], verb: string): void {
  for (const o of objs) {
    if (o.apiVersion !== API_VERSION || (o.kind !== "MCPServer" && o.kind !== "MCPPool")) {
      throw new TypeError(
        `Cannot ${verb} ${o.kind} "${o.metadata?.name}": only ${API_VERSION} MCPServer and ` +
          `MCPPool (use kubectl ${verb} for other kinds)`,
      );
    }
    if (!o.metadata?.name) {
      throw new TypeError(`Cannot ${verb} ${o.kind}: metadata.name is required`);
    }
  }
}

/** Runs `apply`: every object is applied and reported; the exit code is 1 if any failed. */
export async function run(
  _name: string,
  _args: string[],
  opts: ApplyOptions,
  ctx: Context,
): Promise<number> {
  const fieldValidation = parseValidate(opts.validate);
  const dryRun = parseDryRun(opts.dryRun);
  const objs = await readObjects(opts.filename);
  checkObjects(objs, "apply");
  const session = await ctx.connect();
  const placed = placeObjects(objs, session.defaultNamespace, ctx.flags.namespace);
  let failed = 0;
  for (const obj of placed) {
    const ref = qualifiedName(resolveKind(obj.kind), obj.metadata.name!);
    try {
      if (dryRun !== "client") {
        const { warnings } = await applyObject(clientOf(session), obj, {
          force: opts.forceConflicts === true,
          fieldValidation,
          dryRun: dryRun === "server",
        });
        ctx.io.err(warningText(warnings));
      }
      ctx.io.out(`${ref} serverside-applied${dryRunSuffix(dryRun)}\n`);
    } catch (err) {
      failed++;
      ctx.io.err(errorText(err));
    }
  }
  return failed > 0 ? 1 : 0;
}
