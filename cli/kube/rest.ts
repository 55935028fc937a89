/**
 * Plain REST calls to the API server, authenticated by client-node's KubeConfig exactly as
 * its own Watch and Log do (RequestContext + undici with the context's dispatcher). Using
 * this instead of client-node's generated API classes keeps their thousand model classes out
 * of the plugin's start-up.
 */

import { HttpMethod, type KubeConfig, RequestContext } from "@kubernetes/client-node";
import { fetch } from "undici";

/** A non-2xx answer; `body` is the raw text (a `Status` JSON for API errors). */
export class ApiError extends Error {
  /** Creates the error for HTTP `code` with the response text. */
  constructor(readonly code: number, readonly body: string) {
    super(`HTTP ${code}`);
    this.name = "ApiError";
  }
}

/** Options of {@linkcode request}. */
export interface RequestOptions {
  query?: Record<string, string | undefined>;
  /** JSON body. */
  body?: unknown;
  /** Content-Type of the body. Default `application/json`. */
  contentType?: string;
}

const METHODS = {
  GET: HttpMethod.GET,
  POST: HttpMethod.POST,
  PUT: HttpMethod.PUT,
  PATCH: HttpMethod.PATCH,
  DELETE: HttpMethod.DELETE,
} as const;

/** Sends one request to the current cluster and returns the parsed JSON answer. */
export async function request<T>(
  kc: KubeConfig,
  method: keyof typeof METHODS,
  path: string,
  opts: RequestOptions = {},
): Promise<T> {
  const server = kc.getCurrentCluster()?.server;
  if (!server) throw new Error("Cannot send a request: the kubeconfig has no current cluster");
  const url = new URL(server.replace(/\/$/, "") + path);
  for (const [k, v] of Object.entries(opts.query ?? {})) {
    if (v !== undefined && v !== "") url.searchParams.set(k, v);
  }
  const ctx = new RequestContext(url.toString(), METHODS[method]);
  await kc.applySecurityAuthentication(ctx);
  const headers: Record<string, string> = { ...ctx.getHeaders(), accept: "application/json" };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers["content-type"] = opts.contentType ?? "application/json";
    body = JSON.stringify(opts.body);
  }
  const res = await fetch(url, { method, headers, body, dispatcher: ctx.getDispatcher() })
    .catch((err: Error) => {
      const cause = err.cause instanceof Error ? err.cause.message : err.message;
      throw new Error(
        `Cannot reach the Kubernetes API at ${server}: ${cause} (check --context and the cluster)`,
        { cause: err },
      );
    });
  const text = await res.text();
  if (!res.ok) throw new ApiError(res.status, text);
  return (text ? JSON.parse(text) : {}) as T;
}

/** Where a kind lives: its plural and whether it is namespaced. */
export interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

interface ApiResourceList {
  resources: { name: string; kind: string; namespaced: boolean }[];
}

const discovered = new Map<string, Promise<ApiResourceList>>();

/** Resolves `apiVersion` + `kind` to its resource through discovery (cached per process). */
export async function resolveResource(
  kc: KubeConfig,
  apiVersion: string,
  kind: string,
): Promise<ResourceInfo> {
  const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  let list = discovered.get(path);
  if (!list) {
    list = request<ApiResourceList>(kc, "GET", path);
    discovered.set(path, list);
    list.catch(() => discovered.delete(path));
  }
  const found = (await list).resources.find((r) => r.kind === kind && !r.name.includes("/"));
  if (!found) {
    throw new Error(
      `Cannot find kind "${kind}" in ${apiVersion}: the API server does not serve it (are the CRDs installed?)`,
    );
  }
  return { plural: found.name, namespaced: found.namespaced };
}

/** The path of one object (or of its collection when `name` is undefined). */
export function objectPath(
  apiVersion: string,
  res: ResourceInfo,
  namespace: string | undefined,
  name?: string,
): string {
  const base = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const ns = res.namespaced && namespace ? `/namespaces/${namespace}` : "";
  return `${base}${ns}/${res.plural}${name === undefined ? "" : `/${name}`}`;
}
