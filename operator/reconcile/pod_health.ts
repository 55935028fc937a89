/** Reads a pod's status into one verdict the server planner can act on. */

import type { ContainerStatus, Pod } from "../build/types.ts";

/** Container waiting reasons that mean the image cannot be pulled. */
export const IMAGE_ERRORS = [
  "ErrImagePull",
  "ImagePullBackOff",
  "InvalidImageName",
  "ErrImageNeverPull",
  "RegistryUnavailable",
];

/** Restarts after which a not-ready pod counts as crash looping. */
export const CRASH_RESTARTS = 3;

/** What a pod's status says about the server in it. */
export type PodVerdict =
  | { state: "ready" }
  | { state: "pending"; deadline: number }
  | { state: "terminating" }
  | { state: "gone"; message: string }
  | { state: "image-error"; message: string }
  | { state: "crash-loop"; message: string }
  | { state: "ready-timeout"; message: string };

function allStatuses(pod: Pod): ContainerStatus[] {
  return [...pod.status?.initContainerStatuses ?? [], ...pod.status?.containerStatuses ?? []];
}

function describeWait(c: ContainerStatus): string {
  const w = c.state?.waiting;
  return `container "${c.name}" is waiting: ${w?.reason}${w?.message ? ` (${w.message})` : ""}`;
}

function isReady(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;
}

/** Classifies a pod: ready, still starting (until `deadline`), or broken and how. */
export function podVerdict(pod: Pod, now: number, readyTimeoutMs: number): PodVerdict {
  if (pod.metadata.deletionTimestamp) return { state: "terminating" };
  const phase = pod.status?.phase;
  if (phase === "Failed" || phase === "Succeeded") {
    return { state: "gone", message: `pod ${phase}: ${pod.status?.reason ?? "ended"}` };
  }
  const statuses = allStatuses(pod);
  const pull = statuses.find((c) => IMAGE_ERRORS.includes(c.state?.waiting?.reason ?? ""));
  if (pull) return { state: "image-error", message: describeWait(pull) };
  const ready = isReady(pod);
  const loop = statuses.find((c) => c.state?.waiting?.reason === "CrashLoopBackOff");
  if (loop) return { state: "crash-loop", message: describeWait(loop) };
  if (ready) return { state: "ready" };
  const restarts = statuses.find((c) => (c.restartCount ?? 0) >= CRASH_RESTARTS);
  if (restarts) {
    return {
      state: "crash-loop",
      message: `container "${restarts.name}" restarted ${restarts.restartCount} times`,
    };
  }
  const created = Date.parse(pod.metadata.creationTimestamp ?? "") || now;
  const deadline = created + readyTimeoutMs;
  if (now >= deadline) {
    return {
      state: "ready-timeout",
      message: `pod not ready within ${Math.round(readyTimeoutMs / 1000)}s`,
    };
  }
  return { state: "pending", deadline };
}
