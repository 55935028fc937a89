/** Event and condition reasons of the operator, defined once. */

/** Reasons of Events and conditions on MCPServers and MCPPools. */
export const REASONS = {
  requested: "Requested",
  queued: "Queued",
  admitted: "Admitted",
  starting: "Starting",
  ready: "Ready",
  stopping: "Stopping",
  stopped: "Stopped",
  idleTimeout: "IdleTimeout",
  stopRequested: "StopRequested",
  poolMaxIdle: "PoolMaxIdle",
  neverRequested: "NotRequested",
  specChanged: "SpecChanged",
  configured: "Configured",
  invalidSpec: "InvalidSpec",
  imageNotAllowed: "ImageNotAllowed",
  invalidToolPolicy: "InvalidToolPolicy",
  invalidAuth: "InvalidAuth",
  entrypointUnknown: "EntrypointUnknown",
  imagePullFailed: "ImagePullFailed",
  crashLoop: "CrashLoop",
  readyTimeout: "ReadyTimeout",
  podGone: "PodGone",
  healthy: "Healthy",
  rejected: "Rejected",
} as const;

/** An Event the planner wants recorded on the object. */
export interface PlannedEvent {
  type: "Normal" | "Warning";
  reason: string;
  message: string;
}
