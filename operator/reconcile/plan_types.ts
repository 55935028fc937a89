/** Types shared by the server planner and its outcome helpers. */

import type { MCPPool, MCPServer, MCPServerStatus, Phase } from "../../lib/api/mod.ts";
import type { RuntimeImages } from "../build/package_runtime.ts";
import type { Entrypoint, NetworkPolicy, Pod, Service } from "../build/types.ts";
import type { Activity } from "./activity.ts";
import type { ConditionInput } from "./conditions.ts";
import type { PoolMember } from "./pool.ts";
import type { PlannedEvent } from "./reasons.ts";
import type { Rejection } from "./rejection.ts";
import type { OAuthClusterConfig } from "../auth/oauth/mod.ts";

/** What the controller observed for one server. */
export interface ObservedServer {
  /** Pods of the server (by label and controller owner). */
  pods: Pod[];
  service?: Service | null;
  /** The server's NetworkPolicy, when the operator manages them. */
  networkPolicy?: NetworkPolicy | null;
  pool?: MCPPool | null;
  /** Every server of the same pool, this one included. */
  poolMembers: PoolMember[];
  /** Latest gateway activity of the running pod. */
  activity?: Activity | null;
  /** The write the API server last refused for this generation (see reconcile/rejection.ts). */
  rejection?: Rejection;
  /** The resolved entrypoint, when asked for (see `ServerPlan.needsEntrypoint`). */
  entrypoint?: Entrypoint | { error: string };
}

/** Operator-wide settings the planner needs. */
export interface ServerSettings {
  gatewayImage: string;
  launcherImage?: string;
  serviceAccountName?: string;
  gatewayLogLevel?: string;
  /** Extra gateway environment (tracing variables). */
  gatewayEnv?: { name: string; value: string }[];
  /** Seconds a pod may take to become Ready before the server is Degraded. Default 120. */
  readyTimeout?: number;
  /** Glob patterns of allowed images; empty or absent allows all. */
  imageAllowlist?: string[];
  /** Create a NetworkPolicy per server. Default true. */
  networkPolicy?: boolean;
  /** Namespace of the operator's pods (the NetworkPolicies' only ingress peers). */
  operatorNamespace?: string;
  /** The images that run `spec.package` servers (npm, pypi). Default DEFAULT_RUNTIME_IMAGES. */
  runtimeImages?: RuntimeImages;
  /** The operator's OAuth settings (`--oauth-issuer` …); servers enabling OAuth need them. */
  oauth?: OAuthClusterConfig;
}

/** The planner's answer for one server. */
export interface ServerPlan {
  /** The pod that must exist (created when absent); null: no pod; undefined: leave pods alone. */
  pod?: Pod | null;
  /** Pods to delete (outdated spec, broken, or not wanted). */
  deletePods: string[];
  /** The Service that must exist; null: none. */
  service?: Service | null;
  /** The NetworkPolicy that must exist (created or updated); undefined: leave it alone. */
  networkPolicy?: NetworkPolicy;
  status: MCPServerStatus;
  events: PlannedEvent[];
  /** Reconcile again after this many milliseconds. */
  requeueAfter?: number;
  /** The planner needs the image's entrypoint: resolve it and plan again. */
  needsEntrypoint?: boolean;
}

/** What one planning run works from. */
export interface Ctx {
  server: MCPServer;
  observed: ObservedServer;
  now: number;
  iso: string;
  settings: ServerSettings;
  livePods: Pod[];
}

/** What a decision step concludes. */
export type Outcome = {
  phase: Phase;
  conditions: ConditionInput[];
  event?: PlannedEvent;
  pod?: Pod | null;
  deletePods?: string[];
  requeueAfter?: number;
  /** Status fields to set (merged over the previous status). */
  status?: Partial<MCPServerStatus>;
  /** Status fields to remove. */
  clear?: (keyof MCPServerStatus)[];
  needsEntrypoint?: boolean;
  /** Keep the current conditions as they are. */
  keep?: boolean;
  /** Write status only (no pod, Service or NetworkPolicy): a refused write awaits its retry. */
  hold?: boolean;
  /** Queued: the servers holding the pool's slots, then those ahead in its queue. */
  queuedBehind?: string[];
};
