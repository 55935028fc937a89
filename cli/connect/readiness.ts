/** Pure decisions about a server's readiness, from its status, its pod and its pool's members. */

import { ANNOTATIONS, CONDITIONS, type MCPServer } from "../../lib/api/mod.ts";

/** What a status means to someone waiting for the server. */
export type Readiness =
  | { state: "ready"; podName: string }
  | { state: "waiting"; phase: string; reason?: string }
  | { state: "failed"; message: string };

/** The pod fields read here (a subset of V1Pod). */
export interface PodStatusLike {
  metadata?: { name?: string; deletionTimestamp?: string };
  status?: {
    phase?: string;
    conditions?: { type: string; status: string }[];
    containerStatuses?: { ready?: boolean; state?: { waiting?: { reason?: string } } }[];
    initContainerStatuses?: { ready?: boolean; state?: { waiting?: { reason?: string } } }[];
  };
}

const isTrue = (s: MCPServer, type: string) =>
  (s.status?.conditions ?? []).find((c) => c.type === type && c.status === "True");

/** Classifies a server: Ready with a pod, Failed (with why), or still on its way. */
export function readinessOf(server: MCPServer): Readiness {
  const st = server.status ?? {};
  const phase = st.phase ?? "Idle";
  if (phase === "Ready" && st.podName) return { state: "ready", podName: st.podName };
  const bad = isTrue(server, CONDITIONS.degraded);
  if (phase === "Failed") {
    const why = bad ? `${bad.reason}: ${bad.message}` : "the operator marked it Failed";
    return { state: "failed", message: why };
  }
  const queued = isTrue(server, CONDITIONS.queued);
  const reason = bad?.reason ?? (queued ? `queued: ${queued.message}` : undefined);
  return { state: "waiting", phase, reason };
}

/** Whether a pod can take connections now: Ready and not being deleted. */
export function podUsable(pod: PodStatusLike | undefined): boolean {
  if (!pod || pod.metadata?.deletionTimestamp) return false;
  return (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

/** The pod's state in a few words: `pod x Pending (ContainerCreating)`, `pod x Running, 1/2 ready`. */
export function podDetail(pod: PodStatusLike): string {
  const name = pod.metadata?.name ?? "?";
  if (pod.metadata?.deletionTimestamp) return `pod ${name} terminating`;
  const all = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  const waiting = all.map((c) => c.state?.waiting?.reason).find((r) => r);
  const phase = pod.status?.phase ?? "Pending";
  if (waiting) return `pod ${name} ${phase} (${waiting})`;
  const ready = (pod.status?.containerStatuses ?? []).filter((c) => c.ready).length;
  const total = pod.status?.containerStatuses?.length ?? 0;
  return total > 0 ? `pod ${name} ${phase}, ${ready}/${total} ready` : `pod ${name} ${phase}`;
}

/** Where a queued server stands in its pool. */
export interface QueuePlace {
  pool: string;
  /** 1 = next to start. */
  place: number;
  /** Queued members ahead of it, in order. */
  ahead: string[];
  /** Members holding the pool's slots (they have a pod). */
  running: string[];
}

const poolOf = (s: MCPServer) => s.spec?.pool ?? "default";
const requested = (s: MCPServer) =>
  Date.parse(s.metadata.annotations?.[ANNOTATIONS.requestedAt] ?? "") || 0;
const SLOT_PHASES = ["Starting", "Ready", "Degraded", "Stopping"];

/** The queue place of `me` among the servers of its namespace (first requested, first served). */
export function queuePlace(me: MCPServer, servers: MCPServer[]): QueuePlace {
  const pool = poolOf(me);
  const members = servers.filter((s) => poolOf(s) === pool && s.metadata.name !== me.metadata.name);
  const running = members.filter((s) => s.status?.podName && SLOT_PHASES.includes(s.status.phase!))
    .map((s) => s.metadata.name!).sort();
  const before = (s: MCPServer) =>
    requested(s) < requested(me) ||
    (requested(s) === requested(me) && s.metadata.name! < me.metadata.name!);
  const ahead = members.filter((s) => isTrue(s, CONDITIONS.queued) && before(s))
    .sort((a, b) => requested(a) - requested(b) || a.metadata.name!.localeCompare(b.metadata.name!))
    .map((s) => s.metadata.name!);
  return { pool, place: ahead.length + 1, ahead, running };
}

/** A queue place in words: `queued in pool "p": place 2, behind b; slots held by a`. */
export function queueDetail(q: QueuePlace): string {
  const behind = q.ahead.length > 0 ? `, behind ${q.ahead.join(", ")}` : "";
  const held = q.running.length > 0 ? `; slots held by ${q.running.join(", ")}` : "";
  return `queued in pool "${q.pool}": place ${q.place}${behind}${held}`;
}

/** The state shown while waiting, without the elapsed time (equal text = nothing new). */
export function stateText(r: Readiness, detail?: string): string {
  if (r.state === "ready") return `Ready (pod ${r.podName})`;
  if (r.state === "failed") return `Failed: ${r.message}`;
  const why = detail ?? r.reason;
  return why ? `${r.phase} (${why})` : r.phase;
}

/** The progress line printed while waiting (`mcpserver/x: Starting (pod x-1 Pending), waiting 3s`). */
export function progressLine(
  name: string,
  r: Readiness,
  elapsedMs: number,
  detail?: string,
): string {
  const secs = Math.floor(elapsedMs / 1000);
  const text = stateText(r, detail);
  if (r.state === "ready") return `mcpserver/${name}: ${text} after ${secs}s\n`;
  if (r.state === "failed") return `mcpserver/${name}: ${text}\n`;
  return `mcpserver/${name}: ${text}, waiting ${secs}s\n`;
}

/** Phases in which a run is already on its way (a new request would only lose a queue place). */
const ON_ITS_WAY = ["Requested", "Starting", "Degraded"];

/** Whether a client wanting `server` should set the request annotation (the router's rule). */
export function shouldRequest(server: MCPServer): boolean {
  return !ON_ITS_WAY.includes(server.status?.phase ?? "Idle");
}
