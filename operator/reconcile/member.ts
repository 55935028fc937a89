/** How one MCPServer counts in its pool, from its object, pods and activity (pure). */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Pod } from "../build/types.ts";
import { type Activity, liveConnections } from "./activity.ts";
import type { PoolMember } from "./pool.ts";
import { isWanted, lastActiveAt, requestedAt } from "./request.ts";
import { validateServer, type ValidationContext } from "./validate.ts";

/** A Ready server without live connections counts as idle (for maxIdle) after this much quiet. */
export const IDLE_GRACE_MS = 30_000;

/** Derives a server's pool membership facts at time `now` (ms). */
export function memberOf(
  server: MCPServer,
  pods: Pod[],
  activity: Activity | undefined,
  opts: ValidationContext & { now: number },
): PoolMember {
  const hasPod = pods.length > 0;
  const last = lastActiveAt(server, activity?.lastRequestAt);
  const quiet = hasPod && server.status?.phase === "Ready" &&
    liveConnections(activity, server) === 0;
  const idle = quiet && opts.now - last >= IDLE_GRACE_MS;
  return {
    name: server.metadata.name!,
    requestedAt: requestedAt(server),
    wanted: isWanted(server),
    hasPod,
    ...(idle ? { idleSince: last } : quiet ? { idleAt: last + IDLE_GRACE_MS } : {}),
    ...(validateServer(server, opts) ? { blocked: true } : {}),
  };
}
