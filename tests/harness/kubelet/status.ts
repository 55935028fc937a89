/**
 * Pod status from container states, as a kubelet computes it: phase, conditions (keeping
 * lastTransitionTime while a condition holds), and the container status lists.
 *
 * @module
 */

import type { ContainerStatus, Pod, PodCondition, PodStatus } from "./types.ts";

/** What the kubelet observed of a pod's sandbox and containers. */
export interface PodObservation {
  /** The pod IP once the sandbox exists. */
  podIP?: string;
  hostIP: string;
  startTime: string;
  /** Statuses of `spec.initContainers`, in spec order. */
  init: ContainerStatus[];
  /** Statuses of `spec.containers`, in spec order. */
  main: ContainerStatus[];
}

/** True when an init container has done its part: a sidecar started, others exited 0. */
export function initDone(pod: Pod, s: ContainerStatus): boolean {
  const spec = pod.spec.initContainers?.find((c) => c.name === s.name);
  if (spec?.restartPolicy === "Always") return s.started;
  return s.state.terminated?.exitCode === 0;
}

function isSidecar(pod: Pod, name: string): boolean {
  return pod.spec.initContainers?.some((c) => c.name === name && c.restartPolicy === "Always") ??
    false;
}

/** The pod phase from its container states and restart policy. */
export function podPhase(pod: Pod, obs: PodObservation): PodStatus["phase"] {
  const policy = pod.spec.restartPolicy ?? "Always";
  const initFailed = obs.init.some((s) =>
    !isSidecar(pod, s.name) && (s.state.terminated?.exitCode ?? 0) !== 0 && policy === "Never"
  );
  if (initFailed) return "Failed";
  const initialized = obs.init.every((s) => initDone(pod, s));
  if (!initialized || obs.main.length === 0) return "Pending";
  const done = obs.main.every((s) => s.state.terminated);
  if (done) {
    return obs.main.every((s) => s.state.terminated!.exitCode === 0) ? "Succeeded" : "Failed";
  }
  const live = obs.main.some((s) => s.state.running || s.restartCount > 0 || s.state.terminated);
  return live ? "Running" : "Pending";
}

function condition(
  type: string,
  ok: boolean,
  prev: PodCondition[] | undefined,
  now: string,
  reason?: string,
): PodCondition {
  const status = ok ? "True" : "False";
  const old = prev?.find((c) => c.type === type);
  const lastTransitionTime = old?.status === status ? old.lastTransitionTime : now;
  const c: PodCondition = { type, status, lastProbeTime: null, lastTransitionTime };
  if (!ok && reason) c.reason = reason;
  return c;
}

/** Computes the whole status; `prev` supplies lastTransitionTime of unchanged conditions. */
export function computePodStatus(
  pod: Pod,
  obs: PodObservation,
  prev: Partial<PodStatus> | undefined,
  now: string,
): PodStatus {
  const phase = podPhase(pod, obs);
  const initialized = obs.init.every((s) => initDone(pod, s));
  const sidecars = obs.init.filter((s) => isSidecar(pod, s.name));
  const ready = obs.main.length > 0 && [...obs.main, ...sidecars].every((s) => s.ready);
  const completed = phase === "Succeeded" || phase === "Failed";
  const notReady = completed ? "PodCompleted" : "ContainersNotReady";
  const pc = prev?.conditions;
  const status: PodStatus = {
    phase,
    conditions: [
      condition("PodReadyToStartContainers", obs.podIP !== undefined, pc, now),
      condition("Initialized", initialized, pc, now, "ContainersNotInitialized"),
      condition("Ready", ready && !completed, pc, now, notReady),
      condition("ContainersReady", ready && !completed, pc, now, notReady),
      condition("PodScheduled", true, pc, now),
    ],
    hostIP: obs.hostIP,
    hostIPs: [{ ip: obs.hostIP }],
    startTime: obs.startTime,
    containerStatuses: obs.main,
    qosClass: "BestEffort",
  };
  if (obs.podIP) {
    status.podIP = obs.podIP;
    status.podIPs = [{ ip: obs.podIP }];
  }
  if (obs.init.length > 0) status.initContainerStatuses = obs.init;
  return status;
}

/** True when two statuses differ (the kubelet writes only changes). */
export function statusChanged(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) !== JSON.stringify(b);
}
