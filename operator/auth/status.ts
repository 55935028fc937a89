/**
 * Kubernetes-style Status answers for the operator's port (401, 403, 413, 503), worded like
 * the API server's own, so a client that knows kubectl's errors knows these.
 *
 * @module
 */

import type { Attributes } from "./access.ts";

/** The realm of the operator's bearer challenge. */
export const REALM = "nmcp";

/** A `metav1.Status` failure. */
export interface Status {
  kind: "Status";
  apiVersion: "v1";
  metadata: Record<string, never>;
  status: "Failure";
  message: string;
  reason: string;
  details?: { name?: string; group?: string; kind?: string };
  code: number;
}

/** A Status failure response with `code`, `reason` and `message`. */
export function statusResponse(
  code: number,
  reason: string,
  message: string,
  opts: { details?: Status["details"]; headers?: HeadersInit } = {},
): Response {
  const body: Status = {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(opts.details ? { details: opts.details } : {}),
    code,
  };
  return Response.json(body, { status: code, headers: opts.headers });
}

/** 401 with `WWW-Authenticate: Bearer realm="nmcp"` (plus `params`, e.g. `resource_metadata`). */
export function unauthorized(params: Record<string, string> = {}): Response {
  const all = { realm: REALM, ...params };
  const challenge = Object.entries(all).map(([k, v]) => `${k}="${v.replace(/["\\]/g, "\\$&")}"`);
  return statusResponse(401, "Unauthorized", "Unauthorized", {
    headers: { "www-authenticate": `Bearer ${challenge.join(", ")}` },
  });
}

/** The API server's sentence for a denied request (`User "u" cannot verb resource …`). */
export function deniedSentence(attrs: Attributes, username: string): string {
  if (attrs.kind === "nonResource") {
    return `User "${username}" cannot ${attrs.verb} path "${attrs.path}"`;
  }
  const resource = attrs.subresource ? `${attrs.resource}/${attrs.subresource}` : attrs.resource;
  const scope = attrs.namespace ? `in the namespace "${attrs.namespace}"` : "at the cluster scope";
  return `User "${username}" cannot ${attrs.verb} resource "${resource}" in API group "${attrs.group}" ${scope}`;
}

/** The message of a 403, as the API server words it (`<resource> "<name>" is forbidden: …`). */
export function forbiddenMessage(attrs: Attributes, username: string, reason = ""): string {
  const sentence = deniedSentence(attrs, username) + (reason ? `: ${reason}` : "");
  if (attrs.kind === "nonResource") return `forbidden: ${sentence}`;
  const qualified = attrs.group ? `${attrs.resource}.${attrs.group}` : attrs.resource;
  return attrs.name
    ? `${qualified} "${attrs.name}" is forbidden: ${sentence}`
    : `${qualified} is forbidden: ${sentence}`;
}

/** 403 naming the missing permission. */
export function forbidden(attrs: Attributes, username: string, reason?: string): Response {
  const details = attrs.kind === "resource"
    ? { group: attrs.group, kind: attrs.resource, ...(attrs.name ? { name: attrs.name } : {}) }
    : undefined;
  return statusResponse(403, "Forbidden", forbiddenMessage(attrs, username, reason), { details });
}
