/**
 * Access for `exec` and `auth-provider` users through client-node's KubeConfig (loaded by
 * dynamic import from access.ts only for them): the credential plugin runs there, and its
 * headers (and client certificate, for exec plugins that return one) are read per request.
 */

import { KubeConfig } from "@kubernetes/client-node";
import type { ClusterAccess } from "./access.ts";
import type { Entry, ResolvedKubeconfig } from "./kubeconfig.ts";

interface HttpsOptions {
  ca?: unknown;
  cert?: unknown;
  key?: unknown;
  headers?: Record<string, string>;
}

const FILE_KEYS = ["certificate-authority", "client-certificate", "client-key", "tokenFile"];

/** The entry with its relative file paths made absolute (client-node reads them from the cwd). */
function absolute(e: Entry): Record<string, unknown> {
  const out = { ...e.value };
  for (const k of FILE_KEYS) {
    const v = out[k];
    if (typeof v === "string" && v && !v.startsWith("/")) out[k] = `${e.base}/${v}`;
  }
  return out;
}

/** A one-context kubeconfig of the resolved cluster and user, as client-node reads it. */
function singleContext(r: ResolvedKubeconfig): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": "nmcp",
    clusters: [{ name: "nmcp", cluster: { ...absolute(r.cluster), server: r.server } }],
    users: [{ name: "nmcp", user: absolute(r.user) }],
    contexts: [{ name: "nmcp", context: { cluster: "nmcp", user: "nmcp" } }],
  });
}

/** Access whose headers come from client-node's exec / auth-provider support. */
export async function pluginAccess(r: ResolvedKubeconfig): Promise<ClusterAccess> {
  const kc = new KubeConfig();
  kc.loadFromString(singleContext(r));
  const first: HttpsOptions = {};
  await kc.applyToHTTPSOptions(first as never);
  const str = (v: unknown) => v === undefined ? undefined : String(v);
  return {
    server: r.server,
    caPem: str(first.ca),
    certPem: str(first.cert),
    keyPem: str(first.key),
    insecure: r.cluster.value["insecure-skip-tls-verify"] === true,
    headers: async () => {
      const o: HttpsOptions = {};
      await kc.applyToHTTPSOptions(o as never);
      return o.headers ?? {};
    },
    context: r.context,
    namespace: r.namespace,
  };
}
