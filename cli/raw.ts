/**
 * Requests the plugin's client does not wrap, sent like kubectl sends them: server-side apply
 * with `fieldValidation`/`dryRun`, deletes with `dryRun`, log streams, `/version`. Server
 * `Warning` headers are returned so commands print them as kubectl does.
 *
 * @module
 */

import type { Session } from "./context.ts";
import { FIELD_MANAGER, type KubeObject } from "./kube/client.ts";
import { ApiError, objectPath, resolveResource } from "./kube/rest.ts";
import type { HttpResponse, Transport } from "./kube/transport.ts";

/** The `fieldValidation` values of the API server. */
export type FieldValidation = "Strict" | "Warn" | "Ignore";

/** Options of {@linkcode applyObject}. */
export interface ApplyQuery {
  force?: boolean;
  fieldValidation: FieldValidation;
  /** Send `dryRun=All`: the server validates and answers without storing. */
  dryRun?: boolean;
}

/** An answer and the server's warnings (`Warning: …` lines for stderr). */
export interface WithWarnings<T> {
  value: T;
  warnings: string[];
}

/** The session's transport (every session from `createContext` has one). */
export function transportOf(session: Session): Transport {
  if (!session.transport) throw new TypeError("Cannot send a raw request: no transport");
  return session.transport;
}

/** The texts of `Warning` headers (`299 - "text"`), as kubectl prints them. */
export function parseWarnings(header: string | null | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const m of header.matchAll(/\d{3} \S+ ("(?:[^"\\]|\\.)*")/g)) {
    out.push(JSON.parse(m[1]) as string);
  }
  return out;
}

function query(params: Record<string, string | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
  return q.toString();
}

async function call(
  t: Transport,
  method: string,
  path: string,
  body?: { json: unknown; type: string },
): Promise<{ res: HttpResponse; warnings: string[] }> {
  const headers: Record<string, string> = { accept: "application/json, */*" };
  if (body) headers["content-type"] = body.type;
  const res = await t.send(path, {
    method,
    headers,
    body: body ? JSON.stringify(body.json) : undefined,
  });
  const h = (res as { headers?: Headers }).headers;
  const warnings = parseWarnings(h?.get("warning"));
  if (!res.ok) throw new ApiError(res.status, await res.text());
  return { res, warnings };
}

/** Server-side apply of one object, with kubectl's query parameters. */
export async function applyObject(
  t: Transport,
  obj: KubeObject,
  q: ApplyQuery,
): Promise<WithWarnings<KubeObject>> {
  const rsc = await resolveResource(t, obj.apiVersion, obj.kind);
  const path = objectPath(obj.apiVersion, rsc, obj.metadata.namespace, obj.metadata.name);
  const qs = query({
    fieldManager: FIELD_MANAGER,
    fieldValidation: q.fieldValidation,
    force: String(q.force === true),
    dryRun: q.dryRun ? "All" : undefined,
  });
  const { res, warnings } = await call(t, "PATCH", `${path}?${qs}`, {
    json: obj,
    type: "application/apply-patch+yaml",
  });
  return { value: JSON.parse(await res.text()) as KubeObject, warnings };
}

/** Deletes one object (background propagation, like kubectl); `dryRun` sends `dryRun=All`. */
export async function deleteObject(
  t: Transport,
  path: string,
  dryRun = false,
): Promise<void> {
  const qs = dryRun ? "?dryRun=All" : "";
  const { res } = await call(t, "DELETE", path + qs, {
    json: { propagationPolicy: "Background" },
    type: "application/json",
  });
  await res.body?.cancel();
}

/** GETs a path as JSON, or undefined on 404. */
export async function getOptional<T>(t: Transport, path: string): Promise<T | undefined> {
  try {
    const { res } = await call(t, "GET", path);
    return JSON.parse(await res.text()) as T;
  } catch (err) {
    if (err instanceof ApiError && err.code === 404) return undefined;
    throw err;
  }
}

/** Streams a pod's log (`query` as kubectl sends it) to `write`; API errors keep their Status. */
export async function streamLog(
  t: Transport,
  namespace: string,
  pod: string,
  params: Record<string, string | undefined>,
  write: (text: string) => void,
): Promise<void> {
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/` +
    `${encodeURIComponent(pod)}/log?${query(params)}`;
  const { res } = await call(t, "GET", path);
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  while (true) {
    const { value, done } = await reader.read();
    if (done) return;
    write(value);
  }
}
