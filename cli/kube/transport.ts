/**
 * How requests reach the API server. The lean transport (Deno's fetch, with the CA and client
 * certificate from the operator's kubeconfig reader) covers token, certificate and basic
 * auth without loading client-node; kubeconfigs that need client-node (exec or auth-provider
 * users, insecure-skip-tls-verify over https, several KUBECONFIG files) get a transport built
 * on client-node's KubeConfig and undici, imported only then.
 */

import type { KubeConfig } from "@kubernetes/client-node";
import { loadClusterAccess } from "../../operator/mod.ts";
import type { KubeFlags } from "../kube_flags.ts";

/** The parts of a response the plugin reads. */
export interface HttpResponse {
  ok: boolean;
  status: number;
  text(): Promise<string>;
  body: ReadableStream<Uint8Array> | null;
}

/** Options of one request. */
export interface SendInit {
  method: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** Sends requests to one API server with its credentials. */
export interface Transport {
  readonly server: string;
  send(path: string, init: SendInit): Promise<HttpResponse>;
  /** client-node's KubeConfig for the same target (logs, port-forward); loaded on demand. */
  kubeConfig(): Promise<KubeConfig>;
}

async function clientNodeConfig(flags: KubeFlags): Promise<KubeConfig> {
  const { loadConfig } = await import("./config.ts");
  return loadConfig(flags).kc;
}

/** The lean transport: Deno's fetch with the kubeconfig's TLS material and auth headers. */
export async function leanTransport(flags: KubeFlags): Promise<Transport> {
  const access = await loadClusterAccess({ kubeconfig: flags.kubeconfig, context: flags.context });
  const tls = access.caPem || access.certPem
    ? Deno.createHttpClient({
      caCerts: access.caPem ? [access.caPem] : undefined,
      cert: access.certPem,
      key: access.keyPem,
    })
    : undefined;
  let kc: Promise<KubeConfig> | undefined;
  return {
    server: access.server,
    async send(path, init) {
      const headers = { ...await access.headers(), ...init.headers };
      return await fetch(access.server + path, { ...init, headers, client: tls });
    },
    kubeConfig: () => (kc ??= clientNodeConfig(flags)),
  };
}

/** The client-node transport: its auth (exec plugins included) and undici dispatcher. */
export async function clientNodeTransport(flags: KubeFlags): Promise<Transport> {
  const { nodeTransport } = await import("./transport_node.ts");
  return nodeTransport(await clientNodeConfig(flags));
}
