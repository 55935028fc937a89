/**
 * Requests the plugin's client does not wrap, sent like kubectl sends them: server-side apply
 * with `fieldValidation`/`dryRun`, deletes with `dryRun`, log streams, `/version`. Server
 * `Warning` headers are returned so commands print them as kubectl does.
 *
 * @module
 */

import type { Session } from "./context.ts";
import { FIELD_MANAGER, type KubeObject } from "./kube/client.ts";
import {
  isNotFound,
  type KubeClient,
  objectPath,
  type Query,
  resolveResource,
  resourcePath,
  RESOURCES,
} from "../lib/kube/mod.ts";

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

/** The session's REST client (every session from `createContext` has one). */
export function clientOf(session: Session): KubeClient {
  if (!session.client) throw new TypeError("Cannot send a raw request: no client");
  return session.client;
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

async function call(
  t: KubeClient,
  method: string,
  path: string,
  opts: { json?: unknown; type?: string; query?: Query } = {},
): Promise<{ res: Response; warnings: string[] }> {
  const res = await t.send(method, path, {
    accept: "application/json, */*",
    body: opts.json,
    contentType: opts.type,
    query: opts.query,
  });
  return { res, warnings: parseWarnings(res.headers.get("warning")) };
}

/** Server-side apply of one object, with kubectl's query parameters. */
export async function applyObject(
  t: KubeClient,
  obj: KubeObject,
  q: ApplyQuery,
): Promise<WithWarnings<KubeObject>> {
  const rsc = await resolveResource(t, obj.apiVersion, obj.kind);
  const path = objectPath(obj.apiVersion, rsc, obj.metadata.namespace, obj.metadata.name);
  const { res, warnings } = await call(t, "PATCH", path, {
    json: obj,
    type: "application/apply-patch+yaml",
    query: {
      fieldManager: FIELD_MANAGER,
      fieldValidation: q.fieldValidation,
      force: String(q.force === true),
      dryRun: q.dryRun ? "All" : undefined,
    },
  });
  return { value: JSON.parse(await res.text()) as KubeObject, warnings };
}

/** Deletes one object (background propagation, like kubectl); `dryRun` sends `dryRun=All`. */
export async function deleteObject(
  t: KubeClient,
  path: string,
  dryRun = false,
): Promise<void> {
  const { res } = await call(t, "DELETE", path, {
    json: { propagationPolicy: "Background" },
    type: "application/json",
    query: { dryRun: dryRun ? "All" : undefined },
  });
  await res.body?.cancel();
}

/** GETs a path as JSON, or undefined on 404. */
export async function getOptional<T>(t: KubeClient, path: string): Promise<T | undefined> {
  try {
    const { res } = await call(t, "GET", path);
    return JSON.parse(await res.text()) as T;
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** Streams a pod's log (`query` as kubectl sends it) to `write`; API errors keep their Status. */
export async function streamLog(
  t: KubeClient,
  namespace: string,
  pod: string,
  params: Record<string, string | undefined>,
  write: (text: string) => void,
): Promise<void> {
  const path = resourcePath(RESOURCES.pods, namespace, pod, "log");
  const { res } = await call(t, "GET", path, { query: params });
  if (!res.body) return;
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  while (true) {
    const { value, done } = await reader.read();
    if (done) return;
    write(value);
  }
}
