/** `kubectl nmcp install|uninstall`: server-side apply (or delete) of the install objects. */

import type { Context } from "../context.ts";
import type { KubeObject } from "../kube/client.ts";
import { objectErrorText } from "../output/errors.ts";
import { installObjects } from "../manifests.ts";

/** Options of `install`/`uninstall`. */
export interface InstallCommandOptions {
  image?: string;
  version?: string;
  operatorNamespace?: string;
  keepCrds?: boolean;
  /** Bind `nmcp-operator-pull-secrets` cluster-wide. */
  pullSecretsClusterWide?: boolean;
}

/** `group/kind name` as kubectl prints a generic object (`deployment.apps/nmcp-operator`). */
export function refOf(o: KubeObject): string {
  const group = o.apiVersion.includes("/") ? `.${o.apiVersion.split("/")[0]}` : "";
  return `${o.kind.toLowerCase()}${group}/${o.metadata.name}`;
}

/** Runs `install` or `uninstall` (by `name`). */
export async function run(
  name: string,
  _args: string[],
  opts: InstallCommandOptions,
  ctx: Context,
): Promise<number> {
  const session = await ctx.connect();
  const objs = installObjects({
    image: opts.image,
    version: opts.version,
    namespace: opts.operatorNamespace,
    pullSecretsClusterWide: opts.pullSecretsClusterWide,
  });
  if (name === "uninstall") {
    const doomed = objs.reverse().filter((o) =>
      !(opts.keepCrds && o.kind === "CustomResourceDefinition")
    );
    let failed = 0;
    for (const o of doomed) {
      try {
        const gone = await session.kube.removeObject(o);
        ctx.io.out(`${refOf(o)} ${gone ? "deleted" : "already absent"}\n`);
      } catch (err) {
        failed++;
        ctx.io.err(objectErrorText("delete", refOf(o), err));
      }
    }
    return failed > 0 ? 1 : 0;
  }
  let failed = 0;
  for (const o of objs) {
    try {
      await session.kube.apply(o, true);
      ctx.io.out(`${refOf(o)} serverside-applied\n`);
    } catch (err) {
      failed++;
      ctx.io.err(objectErrorText("apply", refOf(o), err));
    }
  }
  return failed > 0 ? 1 : 0;
}
