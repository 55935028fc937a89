/** The `describe` text of servers and pools (pure; like kubectl describe's layout). */

import {
  type Condition,
  durationOr,
  formatDuration,
  type LastWake,
  type MCPPool,
  type MCPServer,
  packageLabel,
  parseDuration,
} from "../../lib/api/mod.ts";
import type { KubeObject } from "../kube/client.ts";
import { ageOf, humanDuration, renderTable } from "./table.ts";

/** The pod facts `describe` shows (a subset of V1Pod). */
export interface PodLike {
  metadata?: { name?: string };
  status?: {
    phase?: string;
    podIP?: string;
    containerStatuses?: { name: string; ready: boolean; restartCount: number }[];
    initContainerStatuses?: { name: string; ready: boolean; restartCount: number }[];
  };
}

function fields(pairs: [string, string | undefined][], indent = ""): string {
  const shown = pairs.filter(([, v]) => v !== undefined && v !== "");
  const width = Math.max(0, ...shown.map(([k]) => k.length + 1));
  return shown.map(([k, v]) => `${indent}${(k + ":").padEnd(width + 2)}${v}\n`).join("");
}

function mapText(m: Record<string, string> | undefined): string {
  const entries = Object.entries(m ?? {});
  if (entries.length === 0) return "<none>";
  return entries.map(([k, v]) => `${k}=${v}`).join("\n              ");
}

function indentBlock(text: string, indent = "  "): string {
  return text.split("\n").map((l) => (l ? indent + l : l)).join("\n");
}

function conditionsText(conds: Condition[] | undefined, now: Date): string {
  if (!conds || conds.length === 0) return "Conditions:  <none>\n";
  const rows = conds.map((
    c,
  ) => [c.type, c.status, c.reason, ageOf(c.lastTransitionTime, now), c.message]);
  return "Conditions:\n" +
    indentBlock(renderTable({ headers: ["Type", "Status", "Reason", "Age", "Message"], rows }));
}

/** The Events block, oldest first, like kubectl. */
export function eventsText(events: KubeObject[], now: Date): string {
  if (events.length === 0) return "Events:  <none>\n";
  const rows = events.map((e) => {
    const ev = e as KubeObject & {
      type?: string;
      reason?: string;
      message?: string;
      lastTimestamp?: string;
      eventTime?: string;
      source?: { component?: string };
      reportingComponent?: string;
    };
    const when = ev.lastTimestamp ?? ev.eventTime ?? ev.metadata.creationTimestamp;
    return [
      ev.type ?? "",
      ev.reason ?? "",
      ageOf(when, now),
      ev.source?.component ?? ev.reportingComponent ?? "",
      ev.message ?? "",
    ];
  });
  return "Events:\n" +
    indentBlock(renderTable({ headers: ["Type", "Reason", "Age", "From", "Message"], rows }));
}

function podText(pod: PodLike | undefined, podName: string | undefined): string | undefined {
  if (!podName) return undefined;
  if (!pod) return `${podName} (not found)`;
  const all = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  const ready = all.filter((c) => c.ready).length;
  const restarts = all.reduce((n, c) => n + c.restartCount, 0);
  const ip = pod.status?.podIP ? `, IP ${pod.status.podIP}` : "";
  return `${podName} (${pod.status?.phase ?? "Unknown"}, ${ready}/${all.length} ready, ` +
    `${restarts} restarts${ip})`;
}

/** Calls, errors and mean latency of one tool, read from a gateway's `/metrics`. */
export interface ToolRow {
  tool: string;
  calls: number;
  errors: number;
  /** Mean seconds per call. */
  meanSeconds: number;
}

const TOOL_SAMPLE =
  /^nmcp_gateway_tool_(calls_total|errors_total|call_duration_seconds_sum)\{tool="((?:[^"\\]|\\.)*)"\} (\S+)$/gm;

/** The per-tool rows of a gateway's Prometheus text, most called first, then most errors. */
export function toolRows(metrics: string): ToolRow[] {
  const rows = new Map<string, ToolRow>();
  for (const [, kind, raw, value] of metrics.matchAll(TOOL_SAMPLE)) {
    const tool = raw.replace(/\\(.)/g, (_, c) => c === "n" ? "\n" : c);
    const row = rows.get(tool) ?? { tool, calls: 0, errors: 0, meanSeconds: 0 };
    const n = Number(value);
    if (kind === "calls_total") row.calls = n;
    else if (kind === "errors_total") row.errors = n;
    else row.meanSeconds = n; // the sum, divided below
    rows.set(tool, row);
  }
  return [...rows.values()]
    .map((r) => ({ ...r, meanSeconds: r.calls > 0 ? r.meanSeconds / r.calls : 0 }))
    .sort((a, b) => b.calls - a.calls || b.errors - a.errors || a.tool.localeCompare(b.tool));
}

/** The tools block: the top `limit` tools, or why there are none. */
export function toolsText(tools: ToolRow[] | string, limit = 5): string {
  if (typeof tools === "string") return `Tools:  <${tools}>\n`;
  if (tools.length === 0) return "Tools:  <no calls yet>\n";
  const byErrors = tools.filter((t) => t.errors > 0)
    .sort((a, b) => b.errors - a.errors || b.errors / b.calls - a.errors / a.calls);
  const top = [...tools.slice(0, limit), ...byErrors.slice(0, limit)]
    .filter((t, i, all) => all.indexOf(t) === i);
  const rows = top.map((t) => [
    t.tool,
    String(t.calls),
    String(t.errors),
    `${Math.round(t.meanSeconds * 1000)}ms`,
  ]);
  return "Tools (top by calls and errors, since the gateway started):\n" +
    indentBlock(renderTable({ headers: ["Tool", "Calls", "Errors", "Mean"], rows }));
}

/** A wake's duration: milliseconds below a second, tenths below a minute, else kubectl's form. */
export function wakeDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  return ms < 60_000 ? `${(ms / 1000).toFixed(1)}s` : humanDuration(ms);
}

/** The last wake: when, how long, whether and behind whom it queued. */
export function wakeText(w: LastWake | undefined, now: Date): string {
  if (!w) return "Last Wake:  <none>\n";
  const took = w.durationMs === undefined ? "not Ready yet" : wakeDuration(w.durationMs);
  const queued = w.queuedMs !== undefined ? wakeDuration(w.queuedMs) : "waiting for a slot";
  const behind = w.queuedBehind?.length ? w.queuedBehind.join(", ") : undefined;
  return "Last Wake:\n" + fields([
    ["Requested", `${w.requestedAt} (${ageOf(w.requestedAt, now)} ago)`],
    ["Ready", w.readyAt],
    ["Took", took],
    ["Queued", queued],
    ["Queued Behind", behind],
  ], "  ");
}

/** What `describe mcpserver` shows besides the object. */
export interface ServerExtra {
  pod?: PodLike;
  events: KubeObject[];
  now: Date;
  /** The gateway's tool figures, or why they are unavailable. */
  tools?: ToolRow[] | string;
}

/** `describe mcpserver NAME`. */
export function describeServer(s: MCPServer, extra: ServerExtra): string {
  const st = s.status ?? {};
  const t = s.spec.transport;
  const transport = t?.port ? `${t.type} :${t.port}${t.path ?? ""}` : t?.type ?? "stdio";
  const info = st.serverInfo
    ? `${st.serverInfo.name} ${st.serverInfo.version} (protocol ${st.serverInfo.protocolVersion})`
    : undefined;
  return fields([
    ["Name", s.metadata.name],
    ["Namespace", s.metadata.namespace],
    ["Labels", mapText(s.metadata.labels)],
    ["Annotations", mapText(s.metadata.annotations)],
    [
      "Created",
      `${s.metadata.creationTimestamp} (${ageOf(s.metadata.creationTimestamp, extra.now)} ago)`,
    ],
  ]) + "Spec:\n" + fields([
    ["Pool", s.spec.pool ?? "default"],
    ["Image", s.spec.image],
    ["Package", s.spec.package && packageLabel(s.spec.package)],
    ["Command", s.spec.command?.join(" ") ?? (s.spec.package ? undefined : "<image entrypoint>")],
    ["Args", s.spec.args?.join(" ")],
    ["Transport", transport],
    [
      "Idle Timeout",
      s.spec.idleTimeout === undefined
        ? "<pool default>"
        : formatDuration(parseDuration(s.spec.idleTimeout)),
    ],
  ], "  ") + "Status:\n" + fields([
    ["Phase", st.phase ?? "Idle"],
    ["Pod", podText(extra.pod, st.podName)],
    ["Endpoint", st.endpoint],
    ["Server", info],
    ["Requested", st.requestedAt],
    ["Started", st.startedAt],
    ["Stopped", st.stoppedAt],
  ], "  ") + "Activity:\n" + fields([
    ["Connections", String(st.currentConnections ?? 0)],
    ["Sessions", String(st.openSessions ?? 0)],
    ["Requests", String(st.totalRequests ?? 0)],
    ["Last Request", st.lastRequestAt ? `${ageOf(st.lastRequestAt, extra.now)} ago` : "<never>"],
  ], "  ") + wakeText(st.lastWake, extra.now) + toolsText(extra.tools ?? "server not running") +
    conditionsText(st.conditions, extra.now) + eventsText(extra.events, extra.now);
}

/** `describe mcppool NAME`. */
export function describePool(p: MCPPool, extra: { events: KubeObject[]; now: Date }): string {
  const st = p.status ?? {};
  return fields([
    ["Name", p.metadata.name],
    ["Namespace", p.metadata.namespace],
    ["Labels", mapText(p.metadata.labels)],
    [
      "Created",
      `${p.metadata.creationTimestamp} (${ageOf(p.metadata.creationTimestamp, extra.now)} ago)`,
    ],
  ]) + "Spec:\n" + fields([
    ["Max Active", p.spec.maxActive === undefined ? "<unlimited>" : String(p.spec.maxActive)],
    ["Max Idle", p.spec.maxIdle === undefined ? "<unlimited>" : String(p.spec.maxIdle)],
    ["Default Idle Timeout", formatDuration(durationOr(p.spec.defaultIdleTimeout, 600))],
  ], "  ") + "Status:\n" + fields([
    ["Active", String(st.active ?? 0)],
    ["Idle", String(st.idle ?? 0)],
    ["Pending", String(st.pending ?? 0)],
  ], "  ") + conditionsText(st.conditions, extra.now) + eventsText(extra.events, extra.now);
}
