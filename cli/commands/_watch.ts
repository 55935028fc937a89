/** Shared `-w` support: watch collections from a resourceVersion until the streams end. */

import type { Session } from "../context.ts";
import { collectionPath, type WatchEvent } from "../kube/client.ts";
import type { ResourceKind } from "../resources.ts";

/** Watches each (kind, resourceVersion) and resolves when every stream has ended. */
export function watchKinds<T>(
  session: Session,
  kinds: { kind: ResourceKind; resourceVersion: string; labelSelector?: string }[],
  onEvent: (kind: ResourceKind, ev: WatchEvent<T>) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let open = kinds.length;
    for (const k of kinds) {
      const query: Record<string, string> = { resourceVersion: k.resourceVersion };
      if (k.labelSelector) query.labelSelector = k.labelSelector;
      session.kube.watch<T>(
        collectionPath(k.kind, session.namespace),
        query,
        (ev) => {
          if (ev.type !== "BOOKMARK" && ev.type !== "ERROR") onEvent(k.kind, ev);
        },
        (err) => {
          if (err && (err as { name?: string }).name !== "AbortError") reject(err);
          else if (--open === 0) resolve();
        },
      ).catch(reject);
    }
  });
}

/** Pads cells to the widths of a printed table, so watch rows line up under it. */
export function alignRow(row: string[], widths: number[]): string {
  return row.map((c, i) => (i === row.length - 1 ? c : c.padEnd((widths[i] ?? 0) + 3))).join("")
    .trimEnd() + "\n";
}

/** Column widths of rendered cells (header included). */
export function widthsOf(rows: string[][]): number[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, c.length)));
  return widths;
}
