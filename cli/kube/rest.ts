/** Plain REST calls and watches over a {@linkcode Transport}, with `Status` errors kept. */

import type { Transport } from "./transport.ts";

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
  signal?: AbortSignal;
}

function withQuery(path: string, query: Record<string, string | undefined> = {}): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, v);
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

async function send(t: Transport, method: string, path: string, opts: RequestOptions) {
  const headers: Record<string, string> = { accept: "application/json" };
  let body: string | undefined;
  if (opts.body !== undefined) {
    headers["content-type"] = opts.contentType ?? "application/json";
    body = JSON.stringify(opts.body);
  }
  const init = { method, headers, body, signal: opts.signal };
  return await t.send(withQuery(path, opts.query), init).catch((err: Error) => {
    if (err.name === "AbortError") throw err;
    const cause = err.cause instanceof Error ? err.cause.message : err.message;
    throw new Error(
      `Cannot reach the Kubernetes API at ${t.server}: ${cause} (check --context and the cluster)`,
      { cause: err },
    );
  });
}

/** Sends one request and returns the parsed JSON answer. */
export async function request<T>(
  t: Transport,
  method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE",
  path: string,
  opts: RequestOptions = {},
): Promise<T> {
  const res = await send(t, method, path, opts);
  const text = await res.text();
  if (!res.ok) throw new ApiError(res.status, text);
  return (text ? JSON.parse(text) : {}) as T;
}

/**
 * Watches `path` (`?watch=true` plus `query`): each JSON line is one event. Resolves once the
 * stream is open with a stop function; `onDone` runs once when the stream ends or fails.
 */
export async function watchPath<T>(
  t: Transport,
  path: string,
  query: Record<string, string>,
  onEvent: (type: string, object: T) => void,
  onDone: (err: unknown) => void,
): Promise<() => void> {
  const ctl = new AbortController();
  const res = await send(t, "GET", path, {
    query: { ...query, watch: "true" },
    signal: ctl.signal,
  });
  if (!res.ok || !res.body) throw new ApiError(res.status, await res.text());
  const lines = res.body.pipeThrough(new TextDecoderStream()).getReader();
  (async () => {
    let buf = "";
    try {
      while (true) {
        const { value, done } = await lines.read();
        if (done) break;
        buf += value;
        let i;
        while ((i = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, i).trim();
          buf = buf.slice(i + 1);
          if (!line) continue;
          const ev = JSON.parse(line) as { type: string; object: T };
          onEvent(ev.type, ev.object);
        }
      }
      onDone(null);
    } catch (err) {
      onDone(ctl.signal.aborted ? null : err);
    }
  })();
  return () => ctl.abort();
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
  t: Transport,
  apiVersion: string,
  kind: string,
): Promise<ResourceInfo> {
  const path = apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const key = `${t.server}${path}`;
  let list = discovered.get(key);
  if (!list) {
    list = request<ApiResourceList>(t, "GET", path);
    discovered.set(key, list);
    list.catch(() => discovered.delete(key));
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
