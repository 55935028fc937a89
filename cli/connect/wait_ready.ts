/**
 * Waits for an MCPServer to be Ready: re-reads it on every watch event and at least every few
 * seconds, reports what it waits for (queue place, pod phase) on a line each time that changes,
 * and gives up at a deadline naming the last state.
 */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Session } from "../context.ts";
import { collectionPath, type Kube } from "../kube/client.ts";
import { SERVER } from "../resources.ts";
import {
  podDetail,
  type PodStatusLike,
  podUsable,
  progressLine,
  queueDetail,
  queuePlace,
  type Readiness,
  readinessOf,
  stateText,
} from "./readiness.ts";

/** Options of {@linkcode waitReady}. */
export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Receives a line each time the state changes (and every 15 s while it does not). */
  progress?: (line: string) => void;
  /** Stop early (rejects like a timeout). */
  signal?: AbortSignal;
  /** Count a Ready status only when its pod is Ready and not being deleted. Default false. */
  checkPod?: boolean;
  /** Re-read the server at least this often (ms). Default 5000. */
  heartbeatMs?: number;
}

/** What one look at the server found. */
interface Look {
  readiness: Readiness;
  detail?: string;
}

const REPEAT_MS = 15_000;

async function podOf(kube: Kube, ns: string, name: string): Promise<PodStatusLike | undefined> {
  return await kube.getPod<PodStatusLike>(ns, name).catch(() => undefined);
}

/** Reads what the wait reports beside the phase: the pod's state or the queue place. */
async function look(kube: Kube, server: MCPServer, checkPod: boolean): Promise<Look> {
  const ns = server.metadata.namespace!;
  const r = readinessOf(server);
  if (r.state === "ready") {
    if (!checkPod) return { readiness: r };
    const pod = await podOf(kube, ns, r.podName);
    if (podUsable(pod)) return { readiness: r };
    const detail = pod ? podDetail(pod) : `pod ${r.podName} gone`;
    return { readiness: { state: "waiting", phase: "Ready" }, detail };
  }
  if (r.state === "failed") return { readiness: r };
  const podName = server.status?.podName;
  if (r.reason?.startsWith("queued")) {
    const all = await kube.list<MCPServer>(SERVER, ns).catch(() => undefined);
    if (all) return { readiness: r, detail: queueDetail(queuePlace(server, all.items)) };
  } else if (podName && r.phase !== "Idle") {
    const pod = await podOf(kube, ns, podName);
    if (pod) return { readiness: r, detail: podDetail(pod) };
  }
  return { readiness: r };
}

/** A watch on one server that wakes a waiter on each event; reopened after it ends. */
function changeFeed(kube: Kube, ns: string, name: string) {
  let wake: (() => void) | undefined;
  let stop: (() => void) | undefined;
  let open = false;
  let stopped = false;
  const fire = () => wake?.();
  return {
    /** Opens the watch from `rv` unless it is open. */
    ensure(rv: string) {
      if (open || stopped) return;
      open = true;
      kube.watch<MCPServer>(
        collectionPath(SERVER, ns),
        {
          resourceVersion: rv,
          fieldSelector: `metadata.name=${name}`,
        },
        fire,
        // Reopened on the next look, at the latest after a heartbeat (never in a tight loop).
        () => (open = false),
      ).then((s) => stopped ? s() : (stop = s), () => (open = false));
    },
    /** Resolves on the next event or after `ms`. */
    next(ms: number, signal?: AbortSignal): Promise<void> {
      return new Promise((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal?.removeEventListener("abort", done);
          wake = undefined;
          resolve();
        };
        const timer = setTimeout(done, ms);
        signal?.addEventListener("abort", done);
        wake = done;
      });
    },
    close() {
      stopped = true;
      stop?.();
    },
  };
}

/** Resolves with the pod name once the server is Ready; rejects on Failed, deletion or timeout. */
export async function waitReady(
  session: Session,
  namespace: string,
  name: string,
  opts: WaitOptions,
): Promise<string> {
  const started = Date.now();
  const deadline = started + opts.timeoutMs;
  const kube = session.kube;
  const feed = changeFeed(kube, namespace, name);
  let last = { text: "", at: 0 };
  try {
    while (true) {
      const server = await kube.get<MCPServer>(SERVER, namespace, name);
      feed.ensure(server.metadata.resourceVersion ?? "");
      const { readiness: r, detail } = await look(kube, server, opts.checkPod === true);
      const text = stateText(r, detail);
      const now = Date.now();
      if (text !== last.text || now - last.at >= REPEAT_MS) {
        opts.progress?.(progressLine(name, r, now - started, detail));
        last = { text, at: now };
      }
      if (r.state === "ready") return r.podName;
      if (r.state === "failed") {
        throw new Error(`Cannot connect to MCPServer "${name}": ${r.message}`);
      }
      const left = deadline - now;
      if (left <= 0 || opts.signal?.aborted) break;
      await feed.next(Math.min(left, opts.heartbeatMs ?? 5000), opts.signal);
    }
  } finally {
    feed.close();
  }
  throw new Error(
    `Cannot connect to MCPServer "${name}": not Ready after ${
      Math.round(opts.timeoutMs / 1000)
    }s, last state ${last.text} (see kubectl nmcp describe ${name}; raise --timeout)`,
  );
}
