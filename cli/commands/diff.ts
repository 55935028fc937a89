/**
 * `kubectl nmcp diff -f`: what `apply` would change, like `kubectl diff --server-side`: the
 * live objects against a server-side dry-run apply, compared by `diff -u -N` (or
 * `KUBECTL_EXTERNAL_DIFF`). Exit 0: no differences, 1: differences, 2: an error.
 *
 * @module
 */

import type { Context } from "../context.ts";
import { placeObjects, readObjects } from "../files.ts";
import { collectionPath, type KubeObject } from "../kube/client.ts";
import { errorText, warningText } from "../output/errors.ts";
import { withoutManagedFields } from "../output/print.ts";
import { toYaml } from "../output/yaml.ts";
import { applyObject, clientOf, getOptional } from "../raw.ts";
import { resolveKind } from "../resources.ts";
import { parseValidate } from "../write_flags.ts";
import { checkObjects } from "./apply.ts";

/** Options of `diff`. */
export interface DiffOptions {
  filename: string[];
  forceConflicts?: boolean;
  validate?: string | boolean;
}

/** The file name kubectl gives an object in a diff (`group.version.Kind.namespace.name`). */
export function diffFileName(obj: KubeObject): string {
  const gv = obj.apiVersion.replace("/", ".");
  return [gv, obj.kind, obj.metadata.namespace, obj.metadata.name].filter((p) => p).join(".");
}

function yamlOf(obj: KubeObject | undefined): string {
  return obj ? toYaml(withoutManagedFields(obj), { sorted: true }) : "";
}

async function runDiff(live: string, merged: string, ctx: Context): Promise<number> {
  const external = Deno.env.get("KUBECTL_EXTERNAL_DIFF")?.split(" ").filter((w) => w);
  const [cmd, ...args] = external?.length ? external : ["diff", "-u", "-N"];
  const out = await new Deno.Command(cmd, { args: [...args, live, merged], stdin: "null" })
    .output().catch((err: Error) => {
      throw new Error(`Cannot run "${cmd}": ${err.message} (set KUBECTL_EXTERNAL_DIFF)`);
    });
  const dec = new TextDecoder();
  ctx.io.out(dec.decode(out.stdout));
  ctx.io.err(dec.decode(out.stderr));
  return out.code;
}

async function diffAll(opts: DiffOptions, ctx: Context, live: string, merged: string) {
  const fieldValidation = parseValidate(opts.validate);
  const objs = await readObjects(opts.filename);
  checkObjects(objs, "diff");
  const session = await ctx.connect();
  const t = clientOf(session);
  for (const obj of placeObjects(objs, session.defaultNamespace, ctx.flags.namespace)) {
    const path = `${collectionPath(resolveKind(obj.kind), obj.metadata.namespace)}/` +
      encodeURIComponent(obj.metadata.name!);
    const before = await getOptional<KubeObject>(t, path);
    const after = await applyObject(t, obj, {
      force: opts.forceConflicts === true,
      fieldValidation,
      dryRun: true,
    });
    ctx.io.err(warningText(after.warnings));
    await Deno.writeTextFile(`${live}/${diffFileName(obj)}`, yamlOf(before));
    await Deno.writeTextFile(`${merged}/${diffFileName(obj)}`, yamlOf(after.value));
  }
  return await runDiff(live, merged, ctx);
}

/** Runs `diff`: any error (bad file, refused dry run) exits 2, as kubectl's does. */
export async function run(
  _name: string,
  _args: string[],
  opts: DiffOptions,
  ctx: Context,
): Promise<number> {
  const live = await Deno.makeTempDir({ prefix: "LIVE-" });
  const merged = await Deno.makeTempDir({ prefix: "MERGED-" });
  try {
    return await diffAll(opts, ctx, live, merged);
  } catch (err) {
    ctx.io.err(errorText(err));
    if (ctx.flags.verbose && err instanceof Error && err.stack) ctx.io.err(err.stack + "\n");
    return 2;
  } finally {
    await Deno.remove(live, { recursive: true });
    await Deno.remove(merged, { recursive: true });
  }
}
