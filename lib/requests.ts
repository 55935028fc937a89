/**
 * The request protocol: the merge patches that ask the operator to run or stop an MCPServer.
 * Each sets its annotation to now (RFC 3339 with milliseconds) and removes the other one, so
 * the latest write wins whatever the clocks or their resolution: a stop and a start in the same
 * second (or millisecond) leave the server wanted. Objects that carry both annotations (written
 * by hand or by an older client) are still ordered by comparing their times.
 */

import { ANNOTATIONS } from "./api/mod.ts";

/** A merge patch of annotations (null removes one). */
export interface RequestPatch {
  metadata: { annotations: Record<string, string | null> };
}

function patch(set: string, remove: string, now: Date): RequestPatch {
  return { metadata: { annotations: { [set]: now.toISOString(), [remove]: null } } };
}

/** The merge patch that asks for a server to run (`requested-at` = now, the stop removed). */
export function startPatch(now: Date): RequestPatch {
  return patch(ANNOTATIONS.requestedAt, ANNOTATIONS.stopRequestedAt, now);
}

/** The merge patch that asks for a server to stop (`stop-requested-at` = now, the request removed). */
export function stopPatch(now: Date): RequestPatch {
  return patch(ANNOTATIONS.stopRequestedAt, ANNOTATIONS.requestedAt, now);
}
