/** kubectl-style tables: UPPERCASE headers, columns padded to the widest cell plus 3 spaces. */

/** A table: headers and rows of cells (already formatted strings). */
export interface Table {
  headers: string[];
  rows: string[][];
}

/** Renders a table like kubectl's human printer (headers always, `<none>` for empty cells). */
export function renderTable(table: Table, opts: { headers?: boolean } = {}): string {
  const all = opts.headers === false ? table.rows : [table.headers, ...table.rows];
  if (all.length === 0) return "";
  const cells = all.map((row) => row.map((c) => (c === "" ? "<none>" : c)));
  const widths = table.headers.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const last = widths.length - 1;
  return cells
    .map((row) => row.map((c, i) => (i === last ? c : c.padEnd(widths[i] + 3))).join("").trimEnd())
    .join("\n") + "\n";
}

/** Formats a duration like kubectl's `HumanDuration` (`45s`, `5m12s`, `3h`, `2d4h`, `400d`). */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < 0) return "0s";
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (days < 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (days < 365 * 2) return `${days}d`;
  if (days < 365 * 8) {
    const years = Math.floor(days / 365);
    const d = days % 365;
    return d === 0 ? `${years}y` : `${years}y${d}d`;
  }
  return `${Math.floor(days / 365)}y`;
}

/** The age of an RFC 3339 timestamp at `now`, or `<unknown>` / `<none>`. */
export function ageOf(timestamp: string | Date | undefined, now: Date): string {
  if (!timestamp) return "<none>";
  const t = timestamp instanceof Date ? timestamp.getTime() : Date.parse(timestamp);
  if (Number.isNaN(t)) return "<unknown>";
  return humanDuration(now.getTime() - t);
}

/** kubectl's line for an empty list (`No resources found in ns namespace.`), for stderr. */
export function noResourcesLine(namespace: string | undefined): string {
  return `No resources found${namespace ? ` in ${namespace} namespace` : ""}.\n`;
}
