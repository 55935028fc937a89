/** The request rule: when an MCPServer is wanted running, from annotations and status. */

import { ANNOTATIONS, durationOr, type MCPPool, type MCPServer } from "../../lib/api/mod.ts";

/** Default idle timeout, in seconds, when neither the server nor its pool sets one. */
export const DEFAULT_IDLE_TIMEOUT = 600;

function ms(value: string | undefined): number {
  const t = value ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? t : -Infinity;
}

/** When the server was last asked to run, or -Infinity. */
export function requestedAt(server: MCPServer): number {
  return ms(server.metadata.annotations?.[ANNOTATIONS.requestedAt]);
}

/** Phases of a run in progress (requested, admitted or not yet). */
const RUNNING = ["Requested", "Starting", "Ready", "Degraded"];

/**
 * Whether the server is wanted running. A request is the annotation's value R; the operator
 * records the request it acts on in `status.requestedAt`. Wanted ⇔ R is newer than the
 * latest explicit stop, and either R is a request the operator has not acted on yet
 * (R ≠ status.requestedAt) or the run started for R is still on (phase Requested, Starting,
 * Ready or Degraded). Stopping a run (idle, pool, failure) ends it for that R, whatever the
 * clocks of the clients that wrote R say.
 */
export function isWanted(server: MCPServer): boolean {
  const r = requestedAt(server);
  if (r === -Infinity) return false;
  const stop = ms(server.metadata.annotations?.[ANNOTATIONS.stopRequestedAt]);
  if (stop >= r) return false;
  if (r !== ms(server.status?.requestedAt)) return true;
  return RUNNING.includes(server.status?.phase ?? "");
}

/** Whether the latest request was an explicit stop (newer than the latest run request). */
export function isStopRequested(server: MCPServer): boolean {
  const stop = ms(server.metadata.annotations?.[ANNOTATIONS.stopRequestedAt]);
  return stop !== -Infinity && stop >= requestedAt(server);
}

/** The idle timeout in seconds (0 = never): the server's, else its pool's, else 600. */
export function idleTimeoutOf(server: MCPServer, pool: MCPPool | null | undefined): number {
  return durationOr(
    server.spec.idleTimeout,
    durationOr(pool?.spec.defaultIdleTimeout, DEFAULT_IDLE_TIMEOUT),
  );
}

/** The last sign of use: the request, the start, or the last client request (ms). */
export function lastActiveAt(server: MCPServer, lastRequestAt?: string | null): number {
  return Math.max(
    requestedAt(server),
    ms(server.status?.startedAt),
    ms(lastRequestAt ?? server.status?.lastRequestAt),
  );
}
