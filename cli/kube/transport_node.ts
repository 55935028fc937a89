/** A {@linkcode Transport} over client-node's KubeConfig: RequestContext auth plus undici. */

import { HttpMethod, type KubeConfig, RequestContext } from "@kubernetes/client-node";
import { fetch } from "undici";
import type { HttpResponse, Transport } from "./transport.ts";

const METHODS: Record<string, HttpMethod> = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  PUT: HttpMethod.PUT,
  PATCH: HttpMethod.PATCH,
  DELETE: HttpMethod.DELETE,
};

/** Wraps a loaded KubeConfig as a transport, authenticating like client-node's Watch. */
export function nodeTransport(kc: KubeConfig): Transport {
  const server = kc.getCurrentCluster()?.server?.replace(/\/$/, "");
  if (!server) throw new Error("Cannot send a request: the kubeconfig has no current cluster");
  return {
    server,
    async send(path, init) {
      const ctx = new RequestContext(server + path, METHODS[init.method]);
      await kc.applySecurityAuthentication(ctx);
      const headers = { ...ctx.getHeaders(), ...init.headers };
      const res = await fetch(server + path, {
        method: init.method,
        headers,
        body: init.body,
        signal: init.signal,
        dispatcher: ctx.getDispatcher(),
      });
      return res as unknown as HttpResponse;
    },
    kubeConfig: () => Promise.resolve(kc),
  };
}
