/**
 * The Kubernetes REST client of the operator and the plugin: Deno's fetch with a
 * `Deno.createHttpClient` for the CA and client certificate, headers re-read per request,
 * every non-2xx answer thrown as a {@linkcode KubeError}. An https server with
 * `insecure-skip-tls-verify` goes through undici (Deno's fetch cannot skip verification),
 * imported only then.
 */

import type { ClusterAccess } from "./access.ts";
import { kubeErrorFrom } from "./errors.ts";
import { type Query, queryString } from "./path.ts";

/** Options of one request. */
export interface RequestOptions {
  query?: Query;
  /** JSON body (sent as JSON text). */
  body?: unknown;
  /** Content-Type of the body. Default `application/json`. */
  contentType?: string;
  /** Accept header. Default `application/json`. */
  accept?: string;
  signal?: AbortSignal;
}

/** The Kubernetes API over HTTP. */
export interface KubeClient {
  /** Sends a request and returns the decoded JSON body (throws KubeError on non-2xx). */
  request<T = unknown>(method: string, path: string, opts?: RequestOptions): Promise<T>;
  /** Sends a GET and returns the open response (logs, watches; throws KubeError on non-2xx). */
  stream(path: string, opts?: RequestOptions): Promise<Response>;
  /** Sends any request and returns the open response, headers included (throws on non-2xx). */
  send(method: string, path: string, opts?: RequestOptions): Promise<Response>;
  /** Frees the HTTP client. */
  close(): void;
}

type Fetch = (url: string, init: RequestInit) => Promise<Response>;

interface Transport {
  fetch: Fetch;
  close: () => void;
}

async function insecureFetch(access: ClusterAccess): Promise<Transport> {
  const undici = await import("undici");
  // HTTP/1.1 only: undici's HTTP/2 session trips an nghttp2 assertion in Deno's Node layer.
  const dispatcher = new undici.Agent({
    allowH2: false,
    connect: { rejectUnauthorized: false, cert: access.certPem, key: access.keyPem },
  });
  return {
    fetch: (url, init) =>
      undici.fetch(url, { ...init, dispatcher } as never) as unknown as Promise<Response>,
    close: () => void dispatcher.close().catch(() => {}),
  };
}

function denoFetch(access: ClusterAccess): Transport {
  const http = Deno.createHttpClient({
    caCerts: access.caPem ? [access.caPem] : undefined,
    cert: access.certPem,
    key: access.keyPem,
    poolIdleTimeout: 90_000,
  } as Deno.CreateHttpClientOptions);
  return { fetch: (url, init) => fetch(url, { ...init, client: http }), close: () => http.close() };
}

/** Creates a client for a cluster. */
export function createKubeClient(access: ClusterAccess): KubeClient {
  const server = access.server.replace(/\/+$/, "");
  const insecure = access.insecure === true && server.startsWith("https:");
  const deno = insecure ? undefined : denoFetch(access);
  let undici: Promise<Transport> | undefined;
  const transport = (): Promise<Transport> =>
    deno ? Promise.resolve(deno) : (undici ??= insecureFetch(access));
  const send = async (method: string, path: string, opts: RequestOptions = {}) => {
    const h: Record<string, string> = {
      ...await access.headers(),
      accept: opts.accept ?? "application/json",
    };
    if (opts.body !== undefined) h["content-type"] = opts.contentType ?? "application/json";
    const init = {
      method,
      headers: h,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
    };
    const res = await (await transport()).fetch(server + path + queryString(opts.query), init)
      .catch(
        (err: Error) => {
          if (err.name === "AbortError" || opts.signal?.aborted) throw err;
          const cause = err.cause instanceof Error ? err.cause.message : err.message;
          throw new Error(
            `Cannot reach the Kubernetes API at ${server}: ${cause} (check --context and the cluster)`,
            { cause: err },
          );
        },
      );
    if (!res.ok) {
      throw kubeErrorFrom(res.status, await res.text().catch(() => ""), `${method} ${path}`);
    }
    return res;
  };
  const client: KubeClient = {
    async request<T>(method: string, path: string, opts?: RequestOptions) {
      const text = await (await send(method, path, opts)).text();
      return (text ? JSON.parse(text) : {}) as T;
    },
    stream: (path, opts) => send("GET", path, opts),
    send,
    close: () => {
      deno?.close();
      undici?.then((t) => t.close());
    },
  };
  return client;
}
