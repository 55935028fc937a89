/** `kubectl nmcp export --type crd|manifests`: the install objects as multi-document YAML. */

import { stringify } from "yaml";
import type { Context } from "../context.ts";
import type { KubeObject } from "../kube/client.ts";
import { crdObjects, installObjects } from "../manifests.ts";

/** Options of `export`. */
export interface ExportOptions {
  type?: "crd" | "manifests";
  image?: string;
  version?: string;
  operatorNamespace?: string;
}

/** Joins objects into one YAML stream (`---` between documents). */
export function toYamlStream(objs: KubeObject[]): string {
  return objs.map((o) => stringify(o)).join("---\n");
}

/** Runs `export`. */
export function run(
  _name: string,
  _args: string[],
  opts: ExportOptions,
  ctx: Context,
): Promise<number> {
  const objs = opts.type === "crd" ? crdObjects() : installObjects({
    image: opts.image,
    version: opts.version,
    namespace: opts.operatorNamespace,
  });
  ctx.io.out(toYamlStream(objs));
  return Promise.resolve(0);
}
