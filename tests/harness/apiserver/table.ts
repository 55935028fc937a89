/**
 * Server-side printing: `meta.k8s.io/v1` Tables for kubectl, with the columns Kubernetes
 * prints for pods, services, deployments, events and CRs (additionalPrinterColumns).
 *
 * @module
 */

import { isObj, type Obj } from "./patch.ts";
import type { PrinterColumn, ResourceType } from "./resources.ts";

/** A Table column definition. */
export interface ColumnDefinition {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

/** A Table row. */
export interface TableRow {
  cells: unknown[];
  object: Obj;
}

/** `duration.HumanDuration`: 5s, 2m30s, 12m, 3h5m, 2d4h, 40d, 3y10d. */
export function humanDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  if (s < 0) return "<invalid>";
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  if (h < 24 * 8) {
    return h % 24 === 0 ? `${Math.floor(h / 24)}d` : `${Math.floor(h / 24)}d${h % 24}h`;
  }
  if (h < 24 * 365 * 2) return `${Math.floor(h / 24)}d`;
  const y = Math.floor(h / 24 / 365);
  if (h < 24 * 365 * 8) return `${y}y${Math.floor(h / 24) % 365}d`;
  return `${y}y`;
}

/** Age of a timestamp relative to `now` (`<unknown>` when absent or unparsable). */
export function age(ts: unknown, now: Date): string {
  const t = typeof ts === "string" ? Date.parse(ts) : NaN;
  return Number.isNaN(t) ? "<unknown>" : humanDuration(now.getTime() - t);
}

/** Evaluates a simple JSONPath (`.a.b`, `.a[0].b`, `{.a}`, `.a['x.y']`); undefined if absent. */
export function evalJsonPath(obj: unknown, path: string): unknown {
  const p = path.trim().replace(/^\{/, "").replace(/\}$/, "");
  const segs: (string | number)[] = [];
  const re = /\.([^.[\]]+)|\[(\d+)\]|\['([^']+)'\]|\["([^"]+)"\]/g;
  for (const m of p.matchAll(re)) {
    if (m[1] !== undefined) segs.push(m[1]);
    else if (m[2] !== undefined) segs.push(Number(m[2]));
    else segs.push(m[3] ?? m[4]);
  }
  let cur: unknown = obj;
  for (const s of segs) {
    if (typeof s === "number") cur = Array.isArray(cur) ? cur[s] : undefined;
    else cur = isObj(cur) ? cur[s] : undefined;
    if (cur === undefined || cur === null) return undefined;
  }
  return cur;
}

function col(name: string, type = "string", priority = 0, format = ""): ColumnDefinition {
  return { name, type, format, description: name, priority };
}

const NAME = col("Name", "string", 0, "name");
const AGE = col("Age", "string");

function arr(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter(isObj) : [];
}

/** The Status column of a pod, as `kubectl get pods` prints it. */
export function podStatus(pod: Obj): string {
  const spec = (pod.spec ?? {}) as Obj;
  const st = (pod.status ?? {}) as Obj;
  let reason = String(st.reason ?? st.phase ?? "Pending");
  const inits = arr(spec.initContainers);
  let initializing = false;
  arr(st.initContainerStatuses).forEach((c, i) => {
    if (initializing) return;
    const s = (c.state ?? {}) as Obj;
    const term = s.terminated as Obj | undefined;
    const wait = s.waiting as Obj | undefined;
    if (term && term.exitCode === 0) return;
    if (inits[i]?.restartPolicy === "Always" && c.started) return;
    initializing = true;
    if (term) reason = `Init:${term.reason ?? `ExitCode:${term.exitCode}`}`;
    else if (wait?.reason && wait.reason !== "PodInitializing") reason = `Init:${wait.reason}`;
    else reason = `Init:${i}/${inits.length}`;
  });
  if (!initializing) {
    let running = false;
    for (const c of [...arr(st.containerStatuses)].reverse()) {
      const s = (c.state ?? {}) as Obj;
      const term = s.terminated as Obj | undefined;
      const wait = s.waiting as Obj | undefined;
      if (wait?.reason) reason = String(wait.reason);
      else if (term?.reason) reason = String(term.reason);
      else if (term) reason = `ExitCode:${term.exitCode}`;
      else if (c.ready && s.running) running = true;
    }
    if (reason === "Completed" && running) {
      const ready = arr(st.conditions).some((c) => c.type === "Ready" && c.status === "True");
      reason = ready ? "Running" : "NotReady";
    }
  }
  if ((pod.metadata as Obj).deletionTimestamp) reason = "Terminating";
  return reason;
}

function podCells(pod: Obj, now: Date): unknown[] {
  const spec = (pod.spec ?? {}) as Obj;
  const st = (pod.status ?? {}) as Obj;
  const sidecars = arr(spec.initContainers).filter((c) => c.restartPolicy === "Always");
  const total = arr(spec.containers).length + sidecars.length;
  let ready = 0, restarts = 0;
  for (const c of arr(st.containerStatuses)) {
    restarts += Number(c.restartCount ?? 0);
    if (c.ready && isObj(c.state) && c.state.running) ready++;
  }
  for (const c of arr(st.initContainerStatuses)) {
    restarts += Number(c.restartCount ?? 0);
    if (sidecars.some((s) => s.name === c.name) && c.ready && c.started) ready++;
  }
  const ips = arr(st.podIPs);
  const ip = ips[0]?.ip ?? st.podIP ?? "<none>";
  const meta = pod.metadata as Obj;
  return [
    meta.name,
    `${ready}/${total}`,
    podStatus(pod),
    String(restarts),
    age(meta.creationTimestamp, now),
    ip,
    spec.nodeName ?? "<none>",
  ];
}

function serviceCells(svc: Obj, now: Date): unknown[] {
  const spec = (svc.spec ?? {}) as Obj;
  const meta = svc.metadata as Obj;
  const ports = arr(spec.ports).map((p) => `${p.port}/${p.protocol ?? "TCP"}`).join(",") ||
    "<none>";
  const sel = isObj(spec.selector)
    ? Object.entries(spec.selector).map(([k, v]) => `${k}=${v}`).join(",")
    : "<none>";
  return [
    meta.name,
    spec.type ?? "ClusterIP",
    spec.clusterIP ?? "<none>",
    "<none>",
    ports,
    age(meta.creationTimestamp, now),
    sel || "<none>",
  ];
}

function deploymentCells(d: Obj, now: Date): unknown[] {
  const spec = (d.spec ?? {}) as Obj;
  const st = (d.status ?? {}) as Obj;
  const meta = d.metadata as Obj;
  return [
    meta.name,
    `${st.readyReplicas ?? 0}/${spec.replicas ?? 1}`,
    Number(st.updatedReplicas ?? 0),
    Number(st.availableReplicas ?? 0),
    age(meta.creationTimestamp, now),
  ];
}

function eventCells(e: Obj, now: Date): unknown[] {
  const io = (e.involvedObject ?? e.regarding ?? {}) as Obj;
  const last = e.lastTimestamp ?? e.eventTime ?? (e.metadata as Obj).creationTimestamp;
  return [
    age(last, now),
    e.type ?? "",
    e.reason ?? "",
    `${String(io.kind ?? "").toLowerCase()}/${io.name ?? ""}`,
    e.message ?? e.note ?? "",
  ];
}

function crCell(c: PrinterColumn, obj: Obj, now: Date): unknown {
  const v = evalJsonPath(obj, c.jsonPath);
  if (v === undefined) return null;
  switch (c.type) {
    case "date":
      return age(v, now);
    case "integer":
    case "number":
      return typeof v === "number" ? v : Number(v);
    case "boolean":
      return typeof v === "boolean" ? v : String(v) === "true";
    default:
      return typeof v === "object" ? JSON.stringify(v) : String(v);
  }
}

function nodeCells(n: Obj, now: Date): unknown[] {
  const st = (n.status ?? {}) as Obj;
  const ready = arr(st.conditions).find((c) => c.type === "Ready");
  const status = ready?.status === "True" ? "Ready" : "NotReady";
  const ip = arr(st.addresses).find((a) => a.type === "InternalIP")?.address ?? "<none>";
  const version = ((st.nodeInfo ?? {}) as Obj).kubeletVersion ?? "";
  const meta = n.metadata as Obj;
  return [meta.name, status, "<none>", age(meta.creationTimestamp, now), version, ip];
}

/** The column definitions of a type. */
export function columnsFor(rt: ResourceType): ColumnDefinition[] {
  if (rt.crd) {
    const extra = rt.crd.columns.map((c) => ({
      name: c.name,
      type: c.type === "date" ? "date" : c.type,
      format: c.format ?? "",
      description: c.description ?? "",
      priority: c.priority ?? 0,
    }));
    const hasAge = rt.crd.columns.some((c) => c.name === "Age");
    return hasAge ? [NAME, ...extra] : [NAME, ...extra, { ...AGE, type: "date" }];
  }
  switch (rt.kind) {
    case "Pod":
      return [
        NAME,
        col("Ready"),
        col("Status"),
        col("Restarts", "string"),
        AGE,
        col("IP", "string", 1),
        col("Node", "string", 1),
      ];
    case "Service":
      return [
        NAME,
        col("Type"),
        col("Cluster-IP"),
        col("External-IP"),
        col("Port(s)"),
        AGE,
        col("Selector", "string", 1),
      ];
    case "Deployment":
      return [NAME, col("Ready"), col("Up-to-date", "integer"), col("Available", "integer"), AGE];
    case "Event":
      return [col("Last Seen"), col("Type"), col("Reason"), col("Object"), col("Message")];
    case "Namespace":
      return [NAME, col("Status"), AGE];
    case "Node":
      return [
        NAME,
        col("Status"),
        col("Roles"),
        AGE,
        col("Version"),
        col("Internal-IP", "string", 1),
      ];
    default:
      return [NAME, AGE];
  }
}

/** The cells of one object's row. */
export function cellsFor(rt: ResourceType, obj: Obj, now: Date): unknown[] {
  const meta = obj.metadata as Obj;
  if (rt.crd) {
    const cells = [meta.name, ...rt.crd.columns.map((c) => crCell(c, obj, now))];
    if (!rt.crd.columns.some((c) => c.name === "Age")) cells.push(age(meta.creationTimestamp, now));
    return cells;
  }
  switch (rt.kind) {
    case "Pod":
      return podCells(obj, now);
    case "Service":
      return serviceCells(obj, now);
    case "Deployment":
      return deploymentCells(obj, now);
    case "Event":
      return eventCells(obj, now);
    case "Namespace":
      return [
        meta.name,
        (obj.status as Obj | undefined)?.phase ?? "Active",
        age(meta.creationTimestamp, now),
      ];
    case "Node":
      return nodeCells(obj, now);
    default:
      return [meta.name, age(meta.creationTimestamp, now)];
  }
}

/** A row: cells plus the PartialObjectMetadata kubectl reads (namespace for -A). */
export function rowFor(rt: ResourceType, obj: Obj, now: Date): TableRow {
  return {
    cells: cellsFor(rt, obj, now),
    object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata },
  };
}

/** A whole Table for a list (or one object); `headers` false leaves columnDefinitions empty. */
export function buildTable(
  rt: ResourceType,
  objs: Obj[],
  now: Date,
  listMeta: Obj = {},
  headers = true,
): Obj {
  return {
    kind: "Table",
    apiVersion: "meta.k8s.io/v1",
    metadata: listMeta,
    columnDefinitions: headers ? columnsFor(rt) : [],
    rows: objs.map((o) => rowFor(rt, o, now)),
  };
}

/** Whether an Accept header asks for a Table. */
export function wantsTable(accept: string | null): boolean {
  return accept !== null && /as=Table/.test(accept) && /g=meta\.k8s\.io/.test(accept);
}
