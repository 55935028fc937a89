/**
 * Where a new connection of `connect` goes: the pod of the Ready server at once, or, when the
 * server has no usable pod (idled out, stopped, replaced), a wake request (the annotation the
 * router sets too) and a bounded wait with progress. Concurrent connections share one wait.
 */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Session } from "../context.ts";
import { startPatch } from "../requests.ts";
import { SERVER } from "../resources.ts";
import { type PodStatusLike, podUsable, readinessOf, shouldRequest } from "./readiness.ts";
import { waitReady } from "./wait_ready.ts";

/** Options of {@linkcode createWaker}. */
export interface WakerOptions {
  namespace: string;
  name: string;
  /** Longest wait for Ready, per wake (ms). */
  timeoutMs: number;
  /** Progress lines (stderr). */
  progress?: (line: string) => void;
  /** The clock (request times). */
  now?: () => Date;
}

/** Finds the pod for new connections. */
export interface Waker {
  /** The usable pod, waking the server first when needed; `refresh` re-requests a Ready one. */
  target(opts?: { refresh?: boolean }): Promise<string>;
  /** The pod the last target() returned. */
  readonly podName: string | undefined;
}

/** Creates a {@linkcode Waker} for one server. */
export function createWaker(session: Session, opts: WakerOptions): Waker {
  const { namespace: ns, name } = opts;
  const kube = session.kube;
  let inflight: Promise<string> | undefined;
  let podName: string | undefined;
  const usablePod = async (server: MCPServer) => {
    const r = readinessOf(server);
    if (r.state !== "ready") return undefined;
    const pod = await kube.getPod<PodStatusLike>(ns, r.podName).catch(() => undefined);
    return podUsable(pod) ? r.podName : undefined;
  };
  const resolve = async (refresh: boolean) => {
    const server = await kube.get<MCPServer>(SERVER, ns, name);
    const ready = await usablePod(server);
    if (ready && !refresh) return ready;
    if (shouldRequest(server)) {
      if (!ready) opts.progress?.(`mcpserver/${name}: no running pod, requesting it\n`);
      await kube.mergePatch(SERVER, ns, name, startPatch((opts.now ?? (() => new Date()))()));
    }
    return ready ?? await waitReady(session, ns, name, {
      timeoutMs: opts.timeoutMs,
      progress: opts.progress,
      checkPod: true,
    });
  };
  const settle = (pod: string) => {
    if (podName !== undefined && pod !== podName) {
      opts.progress?.(`mcpserver/${name}: pod replaced, tunnel now goes to ${pod}\n`);
    }
    podName = pod;
    return pod;
  };
  return {
    get podName() {
      return podName;
    },
    target(t = {}) {
      inflight ??= resolve(t.refresh === true).then(settle).finally(() => inflight = undefined);
      return inflight;
    },
  };
}
