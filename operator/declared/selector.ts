/** metav1.LabelSelector matching (pure), as `labels.SelectorFromSet` + requirements do it. */

import type { LabelSelector } from "../../lib/api/mod.ts";

/**
 * Whether `labels` satisfy `selector`: every matchLabels pair is equal and every expression
 * holds (In/NotIn by value, Exists/DoesNotExist by key). An empty selector matches everything,
 * as in Kubernetes; an absent one (undefined) matches nothing.
 */
export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  const l = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (l[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(l, e.key);
    const values = e.values ?? [];
    const ok = e.operator === "In"
      ? has && values.includes(l[e.key])
      : e.operator === "NotIn"
      ? !has || !values.includes(l[e.key])
      : e.operator === "Exists"
      ? has
      : !has;
    if (!ok) return false;
  }
  return true;
}
