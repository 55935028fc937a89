/**
 * `kubectl nmcp version`: the plugin's version and, when the cluster answers, the API server's,
 * the operator's (its Deployment's image and readiness) and the CRDs' served versions.
 *
 * @module
 */

import type { Context } from "../context.ts";
import type { KubeClient } from "../../lib/kube/mod.ts";
import { clientOf, getOptional } from "../raw.ts";
import { POOL, SERVER } from "../resources.ts";
import { RELEASE } from "../../lib/version.ts";

/** The plugin's own version. */
export const CLIENT_VERSION = `v${RELEASE}`;

const OPERATOR = "nmcp-operator";

/** Options of `version`. */
export interface VersionOptions {
  client?: boolean;
  output?: string;
  operatorNamespace?: string;
}

/** What `version` reports (the `-o json|yaml` document). */
export interface VersionInfo {
  clientVersion: string;
  serverVersion?: string;
  operator?: { namespace: string; image: string; version: string; ready: string } | null;
  crds?: Record<string, string[]>;
}

interface Deployment {
  spec?: { replicas?: number; template?: { spec?: { containers?: { image?: string }[] } } };
  status?: { readyReplicas?: number };
}

async function operatorInfo(t: KubeClient, ns: string): Promise<VersionInfo["operator"]> {
  const path = `/apis/apps/v1/namespaces/${encodeURIComponent(ns)}/deployments/${OPERATOR}`;
  const d = await getOptional<Deployment>(t, path);
  if (!d) return null;
  const image = d.spec?.template?.spec?.containers?.[0]?.image ?? "";
  const at = image.lastIndexOf(":");
  return {
    namespace: ns,
    image,
    version: at > image.lastIndexOf("/") ? image.slice(at + 1) : "latest",
    ready: `${d.status?.readyReplicas ?? 0}/${d.spec?.replicas ?? 1}`,
  };
}

async function crdVersions(t: KubeClient): Promise<Record<string, string[]>> {
  const out: Record<string, string[]> = {};
  for (const k of [SERVER, POOL]) {
    const name = `${k.plural}.${k.group}`;
    const crd = await getOptional<{ spec?: { versions?: { name: string; served: boolean }[] } }>(
      t,
      `/apis/apiextensions.k8s.io/v1/customresourcedefinitions/${name}`,
    );
    if (crd) out[name] = (crd.spec?.versions ?? []).filter((v) => v.served).map((v) => v.name);
  }
  return out;
}

/** The human text of {@linkcode VersionInfo}, one `Key: value` line each. */
export function versionText(v: VersionInfo): string {
  const lines = [`Client Version: ${v.clientVersion}`];
  if (v.serverVersion !== undefined) lines.push(`Server Version: ${v.serverVersion}`);
  if (v.operator !== undefined) {
    const o = v.operator;
    lines.push(
      o
        ? `Operator Version: ${o.version} (${o.namespace}/${OPERATOR}, ${o.image}, ${o.ready} ready)`
        : "Operator Version: <not installed>",
    );
  }
  if (v.crds !== undefined) {
    const crds = Object.entries(v.crds).map(([n, vs]) => `${n} ${vs.join(",")}`);
    lines.push(`CRD Versions: ${crds.length ? crds.join(", ") : "<not installed>"}`);
  }
  return lines.join("\n") + "\n";
}

/** Runs `version`. */
export async function run(
  _name: string,
  _args: string[],
  opts: VersionOptions,
  ctx: Context,
): Promise<number> {
  const fmt = opts.output;
  if (fmt !== undefined && fmt !== "json" && fmt !== "yaml") {
    throw new Error(`--output must be 'yaml' or 'json'`);
  }
  const info: VersionInfo = { clientVersion: CLIENT_VERSION };
  if (!opts.client) {
    try {
      const t = clientOf(await ctx.connect());
      const server = await getOptional<{ gitVersion?: string }>(t, "/version");
      info.serverVersion = server?.gitVersion ?? "<unknown>";
      info.operator = await operatorInfo(t, opts.operatorNamespace ?? "nmcp-system");
      info.crds = await crdVersions(t);
    } catch (err) {
      if (fmt === undefined) ctx.io.out(versionText({ clientVersion: CLIENT_VERSION }));
      throw err;
    }
  }
  if (fmt === "json") ctx.io.out(JSON.stringify(info, null, 2) + "\n");
  else if (fmt === "yaml") ctx.io.out((await import("../output/yaml.ts")).toYaml(info));
  else ctx.io.out(versionText(info));
  return 0;
}
