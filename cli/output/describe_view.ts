/** The `describe` text of servers and pools (pure; like kubectl describe's layout). */

import {
  type Condition,
  durationOr,
  formatDuration,
  type MCPPool,
  type MCPServer,
  packageLabel,
  parseDuration,
} from "../../lib/api/mod.ts";
import type { KubeObject } from "../kube/client.ts";
import { ageOf, renderTable } from "./table.ts";

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

/** `describe mcpserver NAME`. */
export function describeServer(
  s: MCPServer,
  extra: { pod?: PodLike; events: KubeObject[]; now: Date },
): string {
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
  ], "  ") + conditionsText(st.conditions, extra.now) + eventsText(extra.events, extra.now);
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
