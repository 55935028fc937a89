/**
 * Where a command's requests go: the kubeconfig files (flag, KUBECONFIG, ~/.kube/config)
 * read and merged like kubectl (first occurrence of a name wins), the context, its namespace,
 * and the transport that can serve them.
 */

import { parse } from "yaml";
import { kubeconfigFiles, type KubeFlags, resolveNamespace } from "../kube_flags.ts";
import type { Transport } from "./transport.ts";

/** A resolved target. */
export interface Target {
  transport: Transport;
  /** The namespace to read from; undefined under `-A`. */
  namespace: string | undefined;
  /** The namespace for writes and single-object reads. */
  defaultNamespace: string;
}

type Dict = Record<string, unknown>;
interface Named {
  name: string;
  [key: string]: unknown;
}

/** The merged view of kubeconfig files that the plugin needs. */
export interface KubeconfigView {
  files: string[];
  contexts: string[];
  context: string;
  namespace?: string;
  server: string;
  /** True when only client-node can authenticate (exec, auth-provider, insecure TLS, merges). */
  needsClientNode: boolean;
}

function readDoc(file: string): Dict {
  let text: string;
  try {
    text = Deno.readTextFileSync(file);
  } catch {
    throw new Error(
      `Cannot load kubeconfig "${file}": file not found (set KUBECONFIG or --kubeconfig)`,
    );
  }
  return (parse(text) ?? {}) as Dict;
}

function firstByName(docs: Dict[], key: string): Map<string, Dict> {
  const out = new Map<string, Dict>();
  for (const doc of docs) {
    for (const item of (doc[key] as Named[] | undefined) ?? []) {
      if (!out.has(item.name)) out.set(item.name, item);
    }
  }
  return out;
}

/** Reads and merges the kubeconfig files for `flags` (pure apart from reading the files). */
export function readKubeconfig(
  flags: KubeFlags,
  env: { KUBECONFIG?: string; HOME?: string },
): KubeconfigView {
  const files = kubeconfigFiles(flags, env);
  if (files.length === 0) throw new Error("Cannot load kubeconfig: set KUBECONFIG or --kubeconfig");
  const docs = files.map((f, i) => {
    try {
      return readDoc(f);
    } catch (err) {
      if (i === 0) throw err;
      return {};
    }
  });
  const contexts = firstByName(docs, "contexts");
  const name = flags.context ??
    docs.map((d) => d["current-context"] as string | undefined).find((c) => !!c) ?? "";
  const ctx = contexts.get(name)?.context as Dict | undefined;
  if (!ctx) {
    throw new Error(
      `Cannot use context "${name}": not found in kubeconfig (see kubectl config get-contexts)`,
    );
  }
  const cluster = firstByName(docs, "clusters").get(String(ctx.cluster))?.cluster as
    | Dict
    | undefined;
  if (!cluster?.server) {
    throw new Error(`Cannot use context "${name}": cluster "${ctx.cluster}" not found`);
  }
  const user = (firstByName(docs, "users").get(String(ctx.user))?.user ?? {}) as Dict;
  const server = String(cluster.server);
  const insecure = cluster["insecure-skip-tls-verify"] === true && server.startsWith("https:");
  return {
    files,
    contexts: [...contexts.keys()],
    context: name,
    namespace: ctx.namespace as string | undefined,
    server,
    needsClientNode: docs.length > 1 || insecure || !!user.exec || !!user["auth-provider"],
  };
}

/** Resolves flags to a target, picking the lean transport whenever it can serve it. */
export async function loadTarget(flags: KubeFlags, env = Deno.env.toObject()): Promise<Target> {
  const view = readKubeconfig(flags, env);
  const { clientNodeTransport, leanTransport } = await import("./transport.ts");
  const single = { ...flags, kubeconfig: view.files[0], context: view.context };
  const transport = view.needsClientNode
    ? await clientNodeTransport(flags)
    : await leanTransport(single);
  return {
    transport,
    namespace: resolveNamespace(flags, view.namespace),
    defaultNamespace: resolveNamespace({ ...flags, allNamespaces: false }, view.namespace)!,
  };
}
