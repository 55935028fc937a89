/**
 * `kubectl nmcp export --type crd|manifests [--resource pool|server]`: the install objects as
 * multi-document YAML (`--resource` picks one CRD).
 */

import { stringify } from "yaml";
import type { Context } from "../context.ts";
import type { KubeObject } from "../kube/client.ts";
import { crdObjects, type CrdResource, installObjects } from "../manifests.ts";

/** Options of `export`. */
export interface ExportOptions {
  type?: "crd" | "manifests";
  image?: string;
  version?: string;
  operatorNamespace?: string;
  resource?: CrdResource;
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
  if (opts.resource && opts.type !== "crd") {
    ctx.io.err(`error: Cannot export ${opts.type}: --resource needs --type crd\n`);
    return Promise.resolve(1);
  }
  const objs = opts.type === "crd" ? crdObjects(opts.resource) : installObjects({
    image: opts.image,
    version: opts.version,
    namespace: opts.operatorNamespace,
  });
  ctx.io.out(toYamlStream(objs));
  return Promise.resolve(0);
}
