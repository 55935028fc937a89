/** Machine output (`-o json|yaml|name`) of objects, like kubectl's printers. */

import { GROUP } from "../../lib/api/mod.ts";

/** Output formats of `-o`. */
export type OutputFormat = "wide" | "json" | "yaml" | "name";

interface Obj {
  kind?: string;
  metadata?: { name?: string };
}

/** `kind.group/name` as `-o name` prints it (`mcpserver.nmcp.nwrx.io/everything`). */
export function nameOf(obj: Obj): string {
  const kind = (obj.kind ?? "").toLowerCase();
  const group = kind.startsWith("mcp") ? `.${GROUP}` : "";
  return `${kind}${group}/${obj.metadata?.name ?? ""}`;
}

/** Drops `metadata.managedFields`, as kubectl does unless --show-managed-fields. */
export function withoutManagedFields<T extends Obj>(obj: T): T {
  if (!obj.metadata || !("managedFields" in obj.metadata)) return obj;
  const { managedFields: _, ...metadata } = obj.metadata as Record<string, unknown>;
  return { ...obj, metadata };
}

/** One object prints as itself; several as a `v1` List, like kubectl. */
export function asDocument(items: unknown[], single: boolean): unknown {
  if (single && items.length === 1) return items[0];
  return { apiVersion: "v1", kind: "List", items, metadata: { resourceVersion: "" } };
}

/** Prints objects in a machine format; returns the text (with trailing newline). */
export async function formatObjects(
  items: Obj[],
  format: "json" | "yaml" | "name",
  single = false,
): Promise<string> {
  if (format === "name") return items.map((o) => nameOf(o) + "\n").join("");
  const doc = asDocument(items.map(withoutManagedFields), single);
  if (format === "json") return JSON.stringify(doc, null, 4) + "\n";
  const { toYaml } = await import("./yaml.ts");
  return toYaml(doc);
}
