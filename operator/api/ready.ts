/** Waiting for an MCPServer to become reachable, driven by informer events (no polling). */

import type { MCPServer } from "../../lib/api/mod.ts";
import { GATEWAY_PORT } from "../build/pod.ts";
import type { Cache } from "../controller/cache.ts";
import { REASONS } from "../reconcile/reasons.ts";

/** The base URL of a gateway at pod IP `ip` (IPv6 addresses in brackets). */
export function gatewayUrl(ip: string): string {
  return `http://${ip.includes(":") ? `[${ip}]` : ip}:${GATEWAY_PORT}`;
}

/** Where a Ready server's gateway answers, or why it will not. */
export type Reachable = { url: string } | { failed: string };

/**
 * The gateway URL of a Ready server, a failure, or undefined while it is not ready yet. A
 * failure (phase Failed, or Degraded because the API server rejected its pod) counts only once
 * the operator has seen a request made at `since` (ms) or later.
 */
export function reachable(cache: Cache, server: MCPServer, since = 0): Reachable | undefined {
  const st = server.status;
  const seen = Date.parse(st?.requestedAt ?? "") >= since || since === 0;
  const rejected = st?.phase === "Degraded" &&
    st.conditions?.some((c) => c.type === "Configured" && c.reason === REASONS.rejected);
  if ((st?.phase === "Failed" || rejected) && seen) {
    const c = st.conditions?.find((c) => c.status === "False" && c.type === "Configured") ??
      st.conditions?.find((c) => c.type === "Degraded" && c.status === "True");
    return { failed: c?.message ?? "server failed" };
  }
  // Ready, or Starting with its pod already Ready (saves waiting for the status write).
  if ((st?.phase !== "Ready" && st?.phase !== "Starting") || !st.podName) return undefined;
  const pod = cache.pods.store.get(`${server.metadata.namespace}/${st.podName}`);
  const ip = pod?.status?.podIP;
  if (!ip || pod.metadata.deletionTimestamp) return undefined;
  const podReady = pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True");
  if (st.phase === "Starting" && !podReady) return undefined;
  return { url: gatewayUrl(ip) };
}

/** Resolves once the server is reachable (or failed); undefined on timeout, abort or deletion. */
export function waitReachable(
  cache: Cache,
  key: string,
  timeoutMs: number,
  signal?: AbortSignal,
  since = 0,
): Promise<Reachable | undefined> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (v: Reachable | undefined) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unsubscribe();
      signal?.removeEventListener("abort", onAbort);
      resolve(v);
    };
    const check = () => {
      const s = cache.servers.store.get(key);
      if (!s) return finish(undefined);
      const r = reachable(cache, s, since);
      if (r) finish(r);
    };
    const onAbort = () => finish(undefined);
    const unsubscribe = cache.subscribe(check);
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    signal?.addEventListener("abort", onAbort);
    check();
  });
}
