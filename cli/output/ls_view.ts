/**
 * The `ls` view: servers and pools in one table, computed from plain objects. The columns
 * follow `get`'s (the CRD printer columns) and absent values are empty (shown `<none>`).
 */

import type { MCPPool, MCPServer } from "../../lib/api/mod.ts";
import { labelsText } from "./labels.ts";
import { ageOf, type Table } from "./table.ts";

/** Options of {@linkcode lsTable}. */
export interface LsOptions {
  wide?: boolean;
  namespaces?: boolean;
  /** Append a LABELS column (`--show-labels`). */
  labels?: boolean;
  now: Date;
}

const HEADERS = ["NAME", "STATUS", "POOL", "TRANSPORT", "CONNECTIONS", "LAST REQUEST", "AGE"];
const WIDE = ["SESSIONS", "REQUESTS", "POD", "ENDPOINT"];

/** The row of one server. */
export function serverRow(s: MCPServer, opts: LsOptions): string[] {
  const st = s.status ?? {};
  const row = [
    `mcpserver/${s.metadata.name}`,
    st.phase ?? "",
    s.spec.pool ?? "default",
    s.spec.transport?.type ?? "stdio",
    st.currentConnections === undefined ? "" : String(st.currentConnections),
    st.lastRequestAt ? ageOf(st.lastRequestAt, opts.now) : "",
    ageOf(s.metadata.creationTimestamp, opts.now),
  ];
  if (opts.wide) {
    row.push(
      String(st.openSessions ?? 0),
      String(st.totalRequests ?? 0),
      st.podName ?? "",
      st.endpoint ?? "",
    );
  }
  if (opts.labels) row.push(labelsText(s));
  return opts.namespaces ? [s.metadata.namespace ?? "", ...row] : row;
}

/** The row of one pool: its usage in STATUS, its servers' totals in CONNECTIONS/LAST REQUEST. */
export function poolRow(p: MCPPool, servers: MCPServer[], opts: LsOptions): string[] {
  const mine = servers.filter((s) =>
    (s.spec.pool ?? "default") === p.metadata.name && s.metadata.namespace === p.metadata.namespace
  );
  const st = p.status ?? {};
  const max = p.spec.maxActive === undefined ? "" : `/${p.spec.maxActive}`;
  const pending = st.pending ? `, ${st.pending} pending` : "";
  const conns = mine.reduce((n, s) => n + (s.status?.currentConnections ?? 0), 0);
  const last = mine.map((s) => s.status?.lastRequestAt ?? "").sort().at(-1);
  const row = [
    `mcppool/${p.metadata.name}`,
    `${st.active ?? 0}${max} active${pending}`,
    "-",
    "-",
    String(conns),
    last ? ageOf(last, opts.now) : "",
    ageOf(p.metadata.creationTimestamp, opts.now),
  ];
  if (opts.wide) {
    const sum = (f: (st: MCPServer["status"] & object) => number | undefined) =>
      String(mine.reduce((n, s) => n + (f(s.status ?? {}) ?? 0), 0));
    row.push(sum((st) => st.openSessions), sum((st) => st.totalRequests), "-", "-");
  }
  if (opts.labels) row.push(labelsText(p));
  return opts.namespaces ? [p.metadata.namespace ?? "", ...row] : row;
}

function byKey(a: { metadata: { namespace?: string; name?: string } }, b: typeof a): number {
  const ka = `${a.metadata.namespace}/${a.metadata.name}`;
  const kb = `${b.metadata.namespace}/${b.metadata.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

/** The headers of the `ls` table. */
export function lsHeaders(opts: Omit<LsOptions, "now">): string[] {
  const h = [...HEADERS, ...(opts.wide ? WIDE : []), ...(opts.labels ? ["LABELS"] : [])];
  return opts.namespaces ? ["NAMESPACE", ...h] : h;
}

/** Builds the `ls` table: servers (sorted), then pools with their usage. */
export function lsTable(servers: MCPServer[], pools: MCPPool[], opts: LsOptions): Table {
  const rows = [
    ...[...servers].sort(byKey).map((s) => serverRow(s, opts)),
    ...[...pools].sort(byKey).map((p) => poolRow(p, servers, opts)),
  ];
  return { headers: lsHeaders(opts), rows };
}
