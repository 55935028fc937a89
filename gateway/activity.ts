/** The activity report the operator polls for idle culling and status. */
import type { ActivityReport } from "../lib/activity.ts";
import type { Json } from "./jsonrpc/message.ts";

/** What `/activity` returns. */
export type Activity = ActivityReport<
  { name: unknown; version: unknown; protocolVersion: unknown; capabilities: unknown }
>;

/** Counters the server keeps for the activity report. */
export interface ActivityCounters {
  currentConnections: number;
  totalRequests: number;
  lastRequestAt: number | null;
}

/** Builds the activity report (pure). */
export function buildActivity(
  counters: ActivityCounters,
  openSessions: number,
  upstream: { state: string; restarts: number },
  init: Json | null,
): Activity {
  const info = init?.serverInfo as Json | undefined;
  return {
    openSessions,
    currentConnections: counters.currentConnections,
    totalRequests: counters.totalRequests,
    lastRequestAt: counters.lastRequestAt === null
      ? null
      : new Date(counters.lastRequestAt).toISOString(),
    upstream,
    serverInfo: init === null ? null : {
      name: info?.name ?? null,
      version: info?.version ?? null,
      protocolVersion: init.protocolVersion ?? null,
      capabilities: init.capabilities ?? {},
    },
  };
}
