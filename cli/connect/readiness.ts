/** Pure decisions about a server's readiness, from its status. */

import type { MCPServer } from "../../lib/api/mod.ts";

/** What a status means to someone waiting for the server. */
export type Readiness =
  | { state: "ready"; podName: string }
  | { state: "waiting"; phase: string; reason?: string }
  | { state: "failed"; message: string };

/** Classifies a server: Ready with a pod, Failed (with why), or still on its way. */
export function readinessOf(server: MCPServer): Readiness {
  const st = server.status ?? {};
  const phase = st.phase ?? "Idle";
  if (phase === "Ready" && st.podName) return { state: "ready", podName: st.podName };
  const bad = (st.conditions ?? []).find((c) => c.type === "Degraded" && c.status === "True");
  if (phase === "Failed") {
    const why = bad ? `${bad.reason}: ${bad.message}` : "the operator marked it Failed";
    return { state: "failed", message: why };
  }
  const queued = (st.conditions ?? []).find((c) => c.type === "Queued" && c.status === "True");
  const reason = bad?.reason ?? (queued ? `queued: ${queued.message}` : undefined);
  return { state: "waiting", phase, reason };
}

/** The progress line printed while waiting (`mcpserver/x: Starting (ImagePull)`). */
export function progressLine(name: string, r: Readiness, elapsedMs: number): string {
  const secs = Math.floor(elapsedMs / 1000);
  if (r.state === "ready") return `mcpserver/${name}: Ready (pod ${r.podName}) after ${secs}s\n`;
  if (r.state === "failed") return `mcpserver/${name}: Failed: ${r.message}\n`;
  const why = r.reason ? ` (${r.reason})` : "";
  return `mcpserver/${name}: ${r.phase}${why}, waiting ${secs}s\n`;
}
