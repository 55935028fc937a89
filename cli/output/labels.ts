/** `--show-labels`: a LABELS column of `k=v,…` (sorted keys, `<none>` when empty), like kubectl. */

interface Labeled {
  metadata?: { labels?: Record<string, string> };
}

/** The labels of an object as kubectl prints them (`a=1,b=2`), or "" when it has none. */
export function labelsText(obj: Labeled): string {
  return Object.entries(obj.metadata?.labels ?? {})
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}
