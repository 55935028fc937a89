/** How one MCPServer counts in its pool, from its object, pods and activity (pure). */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Pod } from "../build/types.ts";
import type { Activity } from "./activity.ts";
import type { PoolMember } from "./pool.ts";
import { isWanted, lastActiveAt, requestedAt } from "./request.ts";
import { validateServer } from "./validate.ts";

/** Derives a server's pool membership facts. */
export function memberOf(
  server: MCPServer,
  pods: Pod[],
  activity: Activity | undefined,
  allowlist: string[],
): PoolMember {
  const hasPod = pods.length > 0;
  const sessions = activity?.openSessions ?? server.status?.currentConnections ?? 0;
  const idle = hasPod && server.status?.phase === "Ready" && sessions === 0;
  return {
    name: server.metadata.name!,
    requestedAt: requestedAt(server),
    wanted: isWanted(server),
    hasPod,
    ...(idle ? { idleSince: lastActiveAt(server, activity?.lastRequestAt) } : {}),
    ...(validateServer(server, allowlist) ? { blocked: true } : {}),
  };
}
