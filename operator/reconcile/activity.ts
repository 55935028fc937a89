/** The activity report of a gateway (`GET /activity`), as the operator reads it. */

import type { ActivityReport } from "../../lib/activity.ts";
import type { MCPServer } from "../../lib/api/mod.ts";

/** What the gateway learned from the upstream's initialize result. */
export interface ServerInfo {
  name: string;
  version: string;
  protocolVersion: string;
  capabilities: Record<string, unknown>;
}

/** The JSON body of a gateway's `/activity`. */
export type Activity = ActivityReport<ServerInfo>;

/** Validates an `/activity` body, throwing a TypeError when it has the wrong shape. */
export function parseActivity(body: unknown): Activity {
  const b = body as Partial<Activity> | null;
  const num = (v: unknown) => typeof v === "number" && Number.isFinite(v) && v >= 0;
  if (
    !b || typeof b !== "object" || !num(b.openSessions) || !num(b.totalRequests) ||
    !(b.lastRequestAt === null || typeof b.lastRequestAt === "string")
  ) {
    throw new TypeError("Cannot read gateway activity: unexpected body shape");
  }
  return {
    openSessions: b.openSessions!,
    currentConnections: num(b.currentConnections) ? b.currentConnections! : 0,
    totalRequests: b.totalRequests!,
    lastRequestAt: b.lastRequestAt!,
    upstream: b.upstream ?? { state: "unknown", restarts: 0 },
    serverInfo: b.serverInfo ?? null,
  };
}

/**
 * Client connections that keep a server from idling: requests in flight and open streams. An
 * open session with neither does not count, so a client that vanished without ending its session
 * cannot keep its server up. Without a report, the last known count (`status.currentConnections`,
 * the same measure) stands. The one definition used by the idle rule, status, API and CLI.
 */
export function liveConnections(activity: Activity | null | undefined, server: MCPServer): number {
  return activity ? activity.currentConnections : server.status?.currentConnections ?? 0;
}
