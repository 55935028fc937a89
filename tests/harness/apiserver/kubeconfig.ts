/**
 * The kubeconfig of the harness cluster.
 *
 * @module
 */

import { stringify } from "yaml";

/** Inputs of {@linkcode kubeconfigYaml}. */
export interface KubeconfigInput {
  url: string;
  token: string;
  caCertPem?: string;
  namespace: string;
}

/** A kubeconfig with one cluster `harness`, a token user and a context with a namespace. */
export function kubeconfigYaml(k: KubeconfigInput): string {
  const cluster: Record<string, unknown> = { server: k.url };
  if (k.caCertPem) cluster["certificate-authority-data"] = btoa(k.caCertPem);
  else cluster["insecure-skip-tls-verify"] = true;
  return stringify({
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name: "harness", cluster }],
    users: [{ name: "harness", user: { token: k.token } }],
    contexts: [{
      name: "harness",
      context: { cluster: "harness", user: "harness", namespace: k.namespace },
    }],
    "current-context": "harness",
    preferences: {},
  });
}

/** Where a user's kubeconfig goes: beside the admin's, `<admin>.<user>.yaml`. */
export function userKubeconfigPath(adminPath: string, username: string): string {
  const safe = username.replace(/[^A-Za-z0-9._-]/g, "_");
  return `${adminPath.replace(/\.ya?ml$/, "")}.${safe}.yaml`;
}
