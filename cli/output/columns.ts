/** Table columns of nmcp objects, taken from the CRDs' printer columns (one source). */

import { mcpPoolCrd, mcpServerCrd, type PrinterColumn } from "../../lib/api/mod.ts";
import type { ResourceKind } from "../resources.ts";
import { labelsText } from "./labels.ts";
import { ageOf, type Table } from "./table.ts";

/** The printer columns of a kind, as its CRD declares them (Name first, implied). */
export function printerColumns(kind: ResourceKind): PrinterColumn[] {
  const crd = kind.kind === "MCPServer" ? mcpServerCrd() : mcpPoolCrd();
  return crd.spec.versions[0].additionalPrinterColumns;
}

/** Reads a simple JSONPath (`.a.b.c`) from an object. */
export function readPath(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".").filter((k) => k !== "")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** Formats one cell like kubectl: dates as ages, absent values empty (shown `<none>`). */
export function formatCell(value: unknown, type: PrinterColumn["type"], now: Date): string {
  if (value === undefined || value === null) return "";
  if (type === "date") return ageOf(String(value), now);
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/** Options of {@linkcode objectTable}. */
export interface TableOptions {
  /** Include priority>0 columns (`-o wide`). */
  wide?: boolean;
  /** Prefix a NAMESPACE column (`-A`). */
  namespaces?: boolean;
  /** Append a LABELS column (`--show-labels`). */
  labels?: boolean;
  now: Date;
}

interface Named {
  metadata: { name?: string; namespace?: string; labels?: Record<string, string> };
}

/** Builds the `get` table of objects of one kind. */
export function objectTable(kind: ResourceKind, items: Named[], opts: TableOptions): Table {
  const cols = printerColumns(kind).filter((c) => opts.wide || !c.priority);
  const labels = opts.labels ? ["LABELS"] : [];
  const headers = ["NAME", ...cols.map((c) => c.name.toUpperCase()), ...labels];
  const rows = items.map((item) => [
    item.metadata.name ?? "",
    ...cols.map((c) => formatCell(readPath(item, c.jsonPath), c.type, opts.now)),
    ...(opts.labels ? [labelsText(item)] : []),
  ]);
  if (!opts.namespaces) return { headers, rows };
  return {
    headers: ["NAMESPACE", ...headers],
    rows: rows.map((r, i) => [items[i].metadata.namespace ?? "", ...r]),
  };
}
