/**
 * The Prometheus text exposition format (version 0.0.4), written by hand: the gateway runs in
 * every MCP pod, and prom-client would add ~11 MiB of RSS to each one on the first scrape.
 */

/** Content type of the text exposition. */
export const CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** One sample: labels (in order) and value; `suffix` is appended to the family name. */
export interface Sample {
  labels?: Record<string, string>;
  value: number;
  suffix?: string;
}

/** A metric family: name, help, type and its samples. */
export interface Family {
  name: string;
  help: string;
  type: "counter" | "gauge" | "histogram";
  samples: Sample[];
}

const escapeLabel = (v: string) =>
  v.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n");
const escapeHelp = (v: string) => v.replaceAll("\\", "\\\\").replaceAll("\n", "\\n");

/** A sample value as Prometheus writes it (`+Inf`, `-Inf`, `NaN` included). */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

function sampleLine(name: string, s: Sample): string {
  const labels = Object.entries(s.labels ?? {});
  const set = labels.length === 0
    ? ""
    : `{${labels.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
  return `${name}${s.suffix ?? ""}${set} ${formatValue(s.value)}`;
}

/** Renders metric families as one exposition document (pure). */
export function renderFamilies(families: Family[]): string {
  const lines: string[] = [];
  for (const f of families) {
    lines.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`);
    for (const s of f.samples) lines.push(sampleLine(f.name, s));
  }
  return lines.join("\n") + "\n";
}

/** Cumulative bucket counts of a histogram over `bounds` (upper bounds, ascending). */
export interface HistogramData {
  counts: number[];
  sum: number;
  count: number;
}

/** The `_bucket`, `_sum` and `_count` samples of one labelled histogram. */
export function histogramSamples(
  bounds: number[],
  h: HistogramData,
  labels: Record<string, string>,
): Sample[] {
  const buckets = bounds.map((le, i) => ({
    labels: { ...labels, le: formatValue(le) },
    value: h.counts[i],
    suffix: "_bucket",
  }));
  return [
    ...buckets,
    { labels: { ...labels, le: "+Inf" }, value: h.count, suffix: "_bucket" },
    { labels, value: h.sum, suffix: "_sum" },
    { labels, value: h.count, suffix: "_count" },
  ];
}
