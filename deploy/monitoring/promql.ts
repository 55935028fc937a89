/**
 * The metric names a PromQL expression reads: a small tokenizer, enough for the dashboard's
 * and the rules' queries (strings, label matchers, ranges, grouping lists, functions, keywords
 * and Grafana variables are not names; `label_values(m, label)` reads `m`).
 *
 * @module
 */

const KEYWORDS = new Set([
  "by",
  "without",
  "on",
  "ignoring",
  "group_left",
  "group_right",
  "and",
  "or",
  "unless",
  "offset",
  "bool",
  "inf",
  "nan",
]);

/** The metric names `expr` reads, in order of appearance, without repeats. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/label_values\(([^,]*(?:\{[^}]*\})?)\s*,\s*\w+\s*\)/g, "$1")
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, " ")
    .replace(/\{[^}]*\}/g, " ")
    .replace(/\[[^\]]*\]/g, " ")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, " ")
    .replace(/\$\{?\w+\}?/g, " ")
    .replace(/\b\d+(?:\.\d+)?(?:e[+-]?\d+)?(?:ms|[smhdwy])*\b/gi, " ");
  const names: string[] = [];
  for (const m of stripped.matchAll(/[A-Za-z_:][\w:]*/g)) {
    const word = m[0];
    const next = stripped.slice(m.index! + word.length).trimStart();
    if (next.startsWith("(") || KEYWORDS.has(word.toLowerCase())) continue;
    if (!names.includes(word)) names.push(word);
  }
  return names;
}

/** The sample names a metric family exports (`_bucket`, `_sum`, `_count` for histograms). */
export function sampleNames(name: string, type: string): string[] {
  return type === "histogram" ? [`${name}_bucket`, `${name}_sum`, `${name}_count`, name] : [name];
}
