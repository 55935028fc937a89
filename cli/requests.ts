/** The request protocol: annotations that ask the operator to run or stop a server. */

import { ANNOTATIONS } from "../lib/api/mod.ts";

/** The merge patch that asks for a server to run (`requested-at` = now, RFC 3339). */
export function startPatch(now: Date): { metadata: { annotations: Record<string, string> } } {
  return { metadata: { annotations: { [ANNOTATIONS.requestedAt]: rfc3339(now) } } };
}

/** The merge patch that asks for a server to stop (`stop-requested-at` = now). */
export function stopPatch(now: Date): { metadata: { annotations: Record<string, string> } } {
  return { metadata: { annotations: { [ANNOTATIONS.stopRequestedAt]: rfc3339(now) } } };
}

/** RFC 3339 with second precision, as Kubernetes writes times. */
export function rfc3339(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, "Z");
}
