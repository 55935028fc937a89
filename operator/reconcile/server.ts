/** The pure MCPServer planner: (server, observed, now) → desired pod, service, status, events. */

import { CONDITIONS, type MCPServer, type MCPServerStatus } from "../../lib/api/mod.ts";
import { buildNetworkPolicy } from "../build/network_policy.ts";
import { buildPod, buildService, isVirtual, specHash } from "../build/pod.ts";
import { serviceEndpoint } from "../build/names.ts";
import { withPackageRuntime } from "../build/package_runtime.ts";
import type { Entrypoint, Pod } from "../build/types.ts";
import { type Activity, liveConnections } from "./activity.ts";
import { setConditions } from "./conditions.ts";
import { type PodVerdict, podVerdict } from "./pod_health.ts";
import type { ConditionInput } from "./conditions.ts";
import { earliest, poolDecision } from "./pool.ts";
import { REASONS } from "./reasons.ts";
import { idleTimeoutOf, isStopRequested, isWanted, lastActiveAt, requestedAt } from "./request.ts";
import { validateServer } from "./validate.ts";
import { withRejection } from "./rejection.ts";
import { nextWake } from "./wake.ts";
import type { Ctx, ObservedServer, Outcome, ServerPlan, ServerSettings } from "./plan_types.ts";
import { cond, failed, names, notRunning, podOptions, queued, stopNow } from "./outcomes.ts";

export type { ObservedServer, ServerPlan, ServerSettings } from "./plan_types.ts";

function entrypointFor(ctx: Ctx): Entrypoint | { error: string } | undefined {
  const { spec } = ctx.server;
  // A virtual server runs no MCP container; an HTTP one needs no entrypoint either.
  if (isVirtual(ctx.server) || (spec.transport?.type ?? "stdio") !== "stdio") {
    return { command: [], args: [] };
  }
  if (spec.command) return { command: [...spec.command], args: [...spec.args ?? []] };
  const ep = ctx.observed.entrypoint;
  if (!ep || "error" in ep) return ep;
  return { command: ep.command, args: spec.args ? [...spec.args] : ep.args };
}

function start(ctx: Ctx, outdated: Pod[]): Outcome {
  const ep = entrypointFor(ctx);
  if (ep === undefined) return { phase: "Starting", conditions: [], needsEntrypoint: true };
  if ("error" in ep) return failed(ctx, REASONS.entrypointUnknown, ep.error, true);
  const stdio = !isVirtual(ctx.server) && (ctx.server.spec.transport?.type ?? "stdio") === "stdio";
  if (stdio && ep.command.length + ep.args.length === 0) {
    return failed(ctx, REASONS.entrypointUnknown, "The image declares no Entrypoint or Cmd", true);
  }
  const pod = buildPod(ctx.server, podOptions(ctx, ep));
  const msg = `Creating pod ${pod.metadata.name}`;
  return {
    phase: "Starting",
    conditions: [
      cond(CONDITIONS.active, true, REASONS.admitted, msg),
      cond(CONDITIONS.queued, false, REASONS.admitted, ""),
      cond(CONDITIONS.ready, false, REASONS.starting, msg),
    ],
    event: { type: "Normal", reason: REASONS.starting, message: msg },
    pod,
    deletePods: names(outdated),
    status: { podName: pod.metadata.name },
    clear: ["startedAt"],
  };
}

/** What the idle rule says about a running server: stop now, or look again later. */
type IdleVerdict = { stop: Outcome } | { stop?: undefined; requeueAfter?: number };

function idleCheck(ctx: Ctx, startedAt: number): IdleVerdict {
  const { server, observed, now } = ctx;
  const limited = observed.pool?.spec.maxIdle !== undefined;
  if (
    limited && poolDecision(observed.pool, observed.poolMembers).evict.has(server.metadata.name!)
  ) {
    const msg =
      `Pool "${observed.pool?.metadata.name}" keeps at most ${observed.pool?.spec.maxIdle} idle servers`;
    return { stop: stopNow(ctx, REASONS.poolMaxIdle, msg) };
  }
  const timeout = idleTimeoutOf(server, observed.pool) * 1000;
  if (timeout === 0 || liveConnections(observed.activity, server) > 0) return {};
  const last = Math.max(lastActiveAt(server, observed.activity?.lastRequestAt), startedAt);
  const left = last + timeout - now;
  if (left > 0) return { requeueAfter: left };
  const msg = `No request for ${timeout / 1000}s and no open connection`;
  return { stop: stopNow(ctx, REASONS.idleTimeout, msg) };
}

function readyOutcome(ctx: Ctx, pod: Pod, base: Partial<Outcome>, up: ConditionInput): Outcome {
  const prev = ctx.server.status?.phase;
  const startedAt = prev === "Ready" && ctx.server.status?.startedAt
    ? ctx.server.status.startedAt
    : ctx.iso;
  return {
    ...base,
    phase: "Ready",
    conditions: [
      up,
      cond(CONDITIONS.ready, true, REASONS.ready, "The gateway answers"),
      cond(CONDITIONS.degraded, false, REASONS.healthy, ""),
    ],
    event: prev !== "Ready"
      ? { type: "Normal", reason: REASONS.ready, message: `Pod ${pod.metadata.name} is ready` }
      : undefined,
    status: { podName: pod.metadata.name, startedAt },
  };
}

function degraded(ctx: Ctx, base: Partial<Outcome>, up: ConditionInput, v: PodVerdict): Outcome {
  const reason = v.state === "crash-loop" ? REASONS.crashLoop : REASONS.readyTimeout;
  const message = "message" in v ? v.message : "";
  return {
    ...base,
    phase: "Degraded",
    conditions: [
      up,
      cond(CONDITIONS.degraded, true, reason, message),
      cond(CONDITIONS.ready, false, reason, message),
    ],
    event: ctx.server.status?.phase !== "Degraded"
      ? { type: "Warning", reason, message }
      : undefined,
    requeueAfter: 10_000,
  };
}

function running(ctx: Ctx, pod: Pod, outdated: Pod[]): Outcome {
  const readyMs = (ctx.settings.readyTimeout ?? 120) * 1000;
  const v = podVerdict(pod, ctx.now, readyMs);
  const base = { pod, deletePods: names(outdated), status: { podName: pod.metadata.name } };
  const up = cond(CONDITIONS.active, true, REASONS.admitted, `Pod ${pod.metadata.name}`);
  switch (v.state) {
    case "image-error": {
      const msg = `Cannot pull image "${ctx.server.spec.image}": ${v.message}`;
      return failed(ctx, REASONS.imagePullFailed, msg, true);
    }
    case "gone":
      return { phase: "Starting", conditions: [up], pod: null, deletePods: [pod.metadata.name!] };
    case "terminating":
      return { phase: "Starting", conditions: [up], deletePods: names(outdated) };
    case "crash-loop":
    case "ready-timeout":
      return degraded(ctx, base, up, v);
    case "pending": {
      const msg = `Waiting for pod ${pod.metadata.name} to be ready`;
      return {
        ...base,
        phase: "Starting",
        conditions: [up, cond(CONDITIONS.ready, false, REASONS.starting, msg)],
        requeueAfter: Math.max(1000, v.deadline - ctx.now),
      };
    }
  }
  return readyOutcome(ctx, pod, base, up);
}

function decide(ctx: Ctx): Outcome {
  const out = decideWithoutRejection(ctx);
  const rej = ctx.observed.rejection;
  // A refused write matters only while the server is wanted running.
  if (!rej || !isWanted(ctx.server) || out.phase === "Failed") return out;
  return withRejection(out, rej, ctx.now, ctx.livePods.length > 0);
}

function decideWithoutRejection(ctx: Ctx): Outcome {
  const { server, observed } = ctx;
  const invalid = validateServer(server, {
    allowlist: ctx.settings.imageAllowlist ?? [],
    oauth: ctx.settings.oauth,
    runtimeImages: ctx.settings.runtimeImages,
  });
  if (invalid) return failed(ctx, invalid.reason, invalid.message, false);
  if (!isWanted(server)) {
    return isStopRequested(server)
      ? notRunning(ctx, REASONS.stopRequested, "Stop requested")
      : notRunning(ctx, REASONS.neverRequested, "Not requested");
  }
  const hash = specHash(server, podOptions(ctx));
  const current = ctx.livePods.find((p) =>
    p.metadata.annotations?.["nmcp.nwrx.io/spec-hash"] === hash
  );
  const outdated = ctx.livePods.filter((p) => p !== current);
  if (!current) {
    const limited = observed.pool?.spec.maxActive !== undefined;
    const d = limited ? poolDecision(observed.pool, observed.poolMembers) : undefined;
    const hasPod = observed.pods.length > 0;
    if (d && !hasPod && !d.admitted.has(server.metadata.name!)) {
      const pos = Math.max(0, d.queued.indexOf(server.metadata.name!));
      const holders = observed.poolMembers.filter((m) => m.hasPod).map((m) => m.name).sort();
      return queued(ctx, pos, [...holders, ...d.queued.slice(0, pos)]);
    }
    return start(ctx, outdated);
  }
  const out = running(ctx, current, outdated);
  // Idle time counts once Ready (from startedAt), and for Degraded servers (from the request).
  if (out.phase !== "Ready" && out.phase !== "Degraded") return out;
  const since = out.phase === "Ready" ? Date.parse(out.status?.startedAt ?? "") || ctx.now : 0;
  const idle = idleCheck(ctx, since);
  if (idle.stop) return idle.stop;
  return { ...out, requeueAfter: earliest(out.requeueAfter, idle.requeueAfter) };
}

function foldActivity(status: MCPServerStatus, a: Activity | null | undefined, up: boolean): void {
  if (!up) {
    status.currentConnections = 0;
    status.openSessions = 0;
    return;
  }
  if (!a) return;
  status.currentConnections = a.currentConnections;
  status.openSessions = a.openSessions;
  status.totalRequests = Math.max(a.totalRequests, 0);
  if (a.lastRequestAt) status.lastRequestAt = a.lastRequestAt;
  if (a.serverInfo) status.serverInfo = structuredClone(a.serverInfo);
}

function foldWake(status: MCPServerStatus, prev: MCPServerStatus, out: Outcome, now: string) {
  const input = { prevPhase: prev.phase, phase: out.phase, requestedAt: status.requestedAt, now };
  const wake = nextWake(prev.lastWake, { ...input, queuedBehind: out.queuedBehind });
  if (wake) status.lastWake = wake;
}

/** Plans one MCPServer from what was observed, at time `now` (pure). */
export function planServer(
  declared: MCPServer,
  observed: ObservedServer,
  now: Date,
  settings: ServerSettings,
): ServerPlan {
  const server = withPackageRuntime(declared, settings.runtimeImages);
  const livePods = observed.pods.filter((p) => !p.metadata.deletionTimestamp);
  const ctx: Ctx = {
    server,
    observed,
    now: now.getTime(),
    iso: now.toISOString(),
    settings,
    livePods,
  };
  const out = decide(ctx);
  const prev = server.status ?? {};
  const status: MCPServerStatus = { ...structuredClone(prev), ...out.status, phase: out.phase };
  for (const field of out.clear ?? []) delete status[field];
  const up = out.phase === "Ready" || out.phase === "Starting" || out.phase === "Degraded";
  if (!up) delete status.podName;
  foldActivity(status, observed.activity, out.phase === "Ready");
  const r = requestedAt(server);
  if (r !== -Infinity) status.requestedAt = new Date(r).toISOString();
  foldWake(status, prev, out, ctx.iso);
  status.observedGeneration = server.metadata.generation;
  const configured = out.keep || out.conditions.some((c) => c.type === CONDITIONS.configured)
    ? []
    : [cond(CONDITIONS.configured, true, REASONS.configured, "Spec is valid")];
  status.conditions = setConditions(
    prev.conditions,
    [...configured, ...out.conditions],
    ctx.iso,
    server.metadata.generation,
  );
  const failedEarly = out.phase === "Failed" && !observed.service;
  // The Service exists from the first start on (idle servers that never ran need none).
  const wantService = !failedEarly && !out.hold && (!!observed.service || !!out.pod || up);
  // The NetworkPolicy exists before the first pod, and is kept like the Service.
  const wantPolicy = settings.networkPolicy !== false && !out.hold &&
    (wantService || !!observed.networkPolicy);
  if (failedEarly) delete status.endpoint;
  else status.endpoint = serviceEndpoint(server.metadata.name!, server.metadata.namespace!);
  const events = out.event && prev.phase !== out.phase ? [out.event] : [];
  return {
    pod: out.pod,
    deletePods: out.deletePods ?? [],
    service: wantService ? buildService(server) : undefined,
    networkPolicy: wantPolicy
      ? buildNetworkPolicy(server, {
        operatorNamespace: settings.operatorNamespace ?? "nmcp-system",
      })
      : undefined,
    status,
    events,
    requeueAfter: out.requeueAfter,
    needsEntrypoint: out.needsEntrypoint,
  };
}
