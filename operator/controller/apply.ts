/** Applies a plan: writes only what differs (status via /status, pods, services). */

import type { MCPServer } from "../../lib/api/mod.ts";
import { canonicalJson } from "../build/names.ts";
import type { Pod, Service } from "../build/types.ts";
import {
  isAlreadyExists,
  isNotFound,
  type KubeClient,
  resourcePath,
  type ResourceRef,
  RESOURCES,
} from "../../lib/kube/mod.ts";

/** A JSON merge patch of `status` turning `old` into `next`, or undefined when equal. */
export function statusPatch(
  old: object | undefined,
  next: object,
): Record<string, unknown> | undefined {
  const o = (old ?? {}) as Record<string, unknown>;
  const n = next as Record<string, unknown>;
  const patch: Record<string, unknown> = {};
  for (const k of Object.keys(o)) if (!(k in n) || n[k] === undefined) patch[k] = null;
  for (const [k, v] of Object.entries(n)) {
    if (v !== undefined && canonicalJson(v) !== canonicalJson(o[k])) patch[k] = v;
  }
  return Object.keys(patch).length > 0 ? patch : undefined;
}

/**
 * Writes `status` through the status subresource as computed from `obj`: the patch carries
 * `obj`'s resourceVersion, so a write from a stale view (a deposed leader's) is refused with 409
 * instead of overwriting a newer status. Returns the updated object.
 */
export async function patchStatus<T>(
  client: KubeClient,
  ref: ResourceRef,
  obj: { metadata: { namespace?: string; name?: string; resourceVersion?: string } },
  patch: Record<string, unknown>,
): Promise<T> {
  const path = resourcePath(ref, obj.metadata.namespace, obj.metadata.name, "status");
  const { resourceVersion } = obj.metadata;
  return await client.request<T>("PATCH", path, {
    body: { ...(resourceVersion ? { metadata: { resourceVersion } } : {}), status: patch },
    contentType: "application/merge-patch+json",
    query: { fieldManager: "nmcp-operator" },
  });
}

const ignore = (expected: (err: unknown) => boolean) => (err: unknown) => {
  if (expected(err)) return undefined;
  throw err;
};

/** Creates a pod (an existing one of that name is fine); returns it when created. */
export async function createPod(client: KubeClient, pod: Pod): Promise<Pod | undefined> {
  const path = resourcePath(RESOURCES.pods, pod.metadata.namespace);
  return await client.request<Pod>("POST", path, {
    body: pod,
    query: { fieldManager: "nmcp-operator" },
  }).catch(ignore(isAlreadyExists));
}

/** Deletes a pod (absent is fine). */
export async function deletePod(client: KubeClient, namespace: string, name: string) {
  const path = resourcePath(RESOURCES.pods, namespace, name);
  await client.request("DELETE", path, { body: { propagationPolicy: "Background" } })
    .catch(ignore(isNotFound));
}

/** Creates a service (an existing one is fine); returns it when created. */
export async function createService(
  client: KubeClient,
  svc: Service,
): Promise<Service | undefined> {
  const path = resourcePath(RESOURCES.services, svc.metadata.namespace);
  return await client.request<Service>("POST", path, {
    body: svc,
    query: { fieldManager: "nmcp-operator" },
  }).catch(ignore(isAlreadyExists));
}

/**
 * Server-side applies an object (creates it or brings the operator's fields to `obj`), with
 * `force` so the operator's own fields always win.
 */
export async function applyObject<T>(
  client: KubeClient,
  ref: ResourceRef,
  obj: { metadata: { namespace?: string; name?: string } },
): Promise<T> {
  const path = resourcePath(ref, obj.metadata.namespace, obj.metadata.name);
  return await client.request<T>("PATCH", path, {
    body: obj,
    contentType: "application/apply-patch+yaml",
    query: { fieldManager: "nmcp-operator", force: true },
  });
}

/** The subset of an MCPServer an event needs. */
export type ServerRef = Pick<MCPServer, "apiVersion" | "kind" | "metadata">;
