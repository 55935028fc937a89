/** A small Kubernetes REST client on Deno's fetch, configured from a kubeconfig by client-node. */

import type { ClusterAccess } from "./config.ts";

/** A Kubernetes API error (non-2xx answer), carrying the HTTP code and the Status reason. */
export class KubeError extends Error {
  /** Creates an error from an HTTP code, Status reason and message. */
  constructor(readonly code: number, readonly reason: string, message: string) {
    super(message);
    this.name = "KubeError";
  }
}

/** Options of one request. */
export interface RequestOptions {
  query?: Record<string, string | number | boolean | undefined>;
  body?: unknown;
  contentType?: string;
  signal?: AbortSignal;
}

/** The Kubernetes API as the operator uses it. */
export interface KubeClient {
  /** Sends a request and returns the decoded JSON body (throws KubeError on non-2xx). */
  request<T = unknown>(method: string, path: string, opts?: RequestOptions): Promise<T>;
  /** Sends a request and returns the raw response (for watches; throws on non-2xx). */
  stream(path: string, opts?: RequestOptions): Promise<Response>;
  /** Frees the HTTP client. */
  close(): void;
}

function toQuery(q: RequestOptions["query"]): string {
  if (!q) return "";
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined) p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}

async function failure(res: Response, method: string, path: string): Promise<KubeError> {
  const text = await res.text().catch(() => "");
  try {
    const s = JSON.parse(text) as { reason?: string; message?: string };
    return new KubeError(
      res.status,
      s.reason ?? "",
      s.message ?? `${method} ${path}: ${res.status}`,
    );
  } catch {
    return new KubeError(res.status, "", `${method} ${path}: ${res.status} ${text.slice(0, 200)}`);
  }
}

/** Creates a client for a cluster (headers re-read before each request; tokens may rotate). */
export function createKubeClient(access: ClusterAccess): KubeClient {
  const server = access.server.replace(/\/$/, "");
  const http = Deno.createHttpClient({
    caCerts: access.caPem ? [access.caPem] : undefined,
    cert: access.certPem,
    key: access.keyPem,
    poolIdleTimeout: 90_000,
  } as Deno.CreateHttpClientOptions);
  const auth = access.headers;
  const send = async (method: string, path: string, opts: RequestOptions = {}) => {
    const h: Record<string, string> = { ...await auth(), accept: "application/json" };
    if (opts.body !== undefined) h["content-type"] = opts.contentType ?? "application/json";
    const res = await fetch(server + path + toQuery(opts.query), {
      method,
      headers: h,
      body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
      signal: opts.signal,
      client: http,
    });
    if (!res.ok) throw await failure(res, method, path);
    return res;
  };
  return {
    async request<T>(method: string, path: string, opts?: RequestOptions) {
      const res = await send(method, path, opts);
      const text = await res.text();
      return (text ? JSON.parse(text) : {}) as T;
    },
    stream: (path, opts) => send("GET", path, opts),
    close: () => http.close(),
  };
}

/** Identifies a resource collection. */
export interface ResourceRef {
  group?: string;
  version: string;
  plural: string;
}

/** The REST path of a collection or object (`namespace` undefined = all namespaces). */
export function resourcePath(
  r: ResourceRef,
  namespace?: string,
  name?: string,
  sub?: string,
): string {
  let p = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  if (namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${r.plural}`;
  if (name) p += `/${encodeURIComponent(name)}`;
  if (sub) p += `/${sub}`;
  return p;
}

/** Core and nmcp resources the operator touches. */
export const RESOURCES = {
  pods: { version: "v1", plural: "pods" },
  services: { version: "v1", plural: "services" },
  secrets: { version: "v1", plural: "secrets" },
  events: { version: "v1", plural: "events" },
  leases: { group: "coordination.k8s.io", version: "v1", plural: "leases" },
  servers: { group: "nmcp.nwrx.io", version: "v1", plural: "mcpservers" },
  pools: { group: "nmcp.nwrx.io", version: "v1", plural: "mcppools" },
} as const satisfies Record<string, ResourceRef>;
