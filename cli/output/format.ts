/**
 * The `-o` flag: parsing kubectl's output formats (wide, json, yaml, name, jsonpath[-file],
 * custom-columns[-file]) and printing objects in the machine ones. Errors read like kubectl's.
 *
 * @module
 */

import { jsonPath, jsonPathValues, parseTemplate } from "./jsonpath.ts";
import { asDocument, formatObjects, withoutManagedFields } from "./print.ts";
import { renderTable } from "./table.ts";

/** One custom column: its header and the JSONPath of its value. */
export interface Column {
  header: string;
  path: string;
}

/** A parsed `-o` value. */
export type OutputSpec =
  | { kind: "table"; wide: boolean }
  | { kind: "json" | "yaml" | "name" }
  | { kind: "jsonpath"; template: string }
  | { kind: "custom-columns"; columns: Column[] };

/** The formats `-o` accepts, as kubectl lists them. */
export const FORMATS = [
  "custom-columns",
  "custom-columns-file",
  "json",
  "jsonpath",
  "jsonpath-file",
  "name",
  "wide",
  "yaml",
] as const;

function readTemplate(file: string, read: (f: string) => string): string {
  try {
    return read(file);
  } catch (err) {
    throw new Error(`error reading --template ${file}, ${(err as Error).message}`);
  }
}

function columnsOf(spec: string): Column[] {
  return spec.split(",").map((part) => {
    const i = part.indexOf(":");
    if (i <= 0) {
      throw new Error(
        `unexpected custom-columns spec: ${part}, expected <header>:<json-path-expr>`,
      );
    }
    return { header: part.slice(0, i), path: part.slice(i + 1) };
  });
}

function columnsFile(text: string): Column[] {
  const [head = "", paths = ""] = text.split("\n").map((l) => l.trim()).filter((l) => l);
  const h = head.split(/\s+/);
  const p = paths.split(/\s+/);
  if (h.length !== p.length) {
    throw new Error(`expected ${h.length} columns, got ${p.length}`);
  }
  return h.map((header, i) => ({ header, path: p[i] }));
}

function checkTemplate(template: string): string {
  try {
    parseTemplate(template);
  } catch (err) {
    throw new Error(`error parsing jsonpath ${template}, ${(err as Error).message}`);
  }
  return template;
}

/** Parses `-o VALUE` (undefined = the default table); throws kubectl's message if unknown. */
export function parseOutput(
  value: string | undefined,
  read: (file: string) => string = Deno.readTextFileSync,
): OutputSpec {
  if (value === undefined || value === "") return { kind: "table", wide: false };
  if (value === "wide") return { kind: "table", wide: true };
  if (value === "json" || value === "yaml" || value === "name") return { kind: value };
  const eq = value.indexOf("=");
  const format = eq < 0 ? value : value.slice(0, eq);
  const arg = eq < 0 ? "" : value.slice(eq + 1);
  if ((FORMATS as readonly string[]).includes(format) && arg === "") {
    throw new Error("template format specified but no template given");
  }
  switch (format) {
    case "jsonpath":
      return { kind: "jsonpath", template: checkTemplate(arg) };
    case "jsonpath-file":
      return { kind: "jsonpath", template: checkTemplate(readTemplate(arg, read)) };
    case "custom-columns":
      return { kind: "custom-columns", columns: columnsOf(arg) };
    case "custom-columns-file":
      return { kind: "custom-columns", columns: columnsFile(readTemplate(arg, read)) };
  }
  throw new Error(
    `unable to match a printer suitable for the output format "${value}", ` +
      `allowed formats are: ${FORMATS.join(",")}`,
  );
}

/** A value as Go's `%v` prints it (what kubectl's custom columns show). */
export function goValue(v: unknown): string {
  if (v === null || v === undefined) return "<nil>";
  if (Array.isArray(v)) return `[${v.map(goValue).join(" ")}]`;
  if (typeof v === "object") {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0
    );
    return `map[${entries.map(([k, x]) => `${k}:${goValue(x)}`).join(" ")}]`;
  }
  return String(v);
}

/** The `-o custom-columns` table of objects (`<none>` for absent values). */
export function customColumns(columns: Column[], items: unknown[]): string {
  const rows = items.map((item) =>
    columns.map((c) => {
      const values = jsonPathValues(c.path, item);
      return values.length === 0 ? "<none>" : values.map(goValue).join(",");
    })
  );
  return renderTable({ headers: columns.map((c) => c.header), rows });
}

interface Obj {
  kind?: string;
  metadata?: { name?: string };
}

/**
 * Prints objects in a machine format (json, yaml, name, jsonpath, custom-columns); `single`
 * means one object was asked for by name, so it prints as itself rather than a List.
 */
export async function printObjects(
  spec: Exclude<OutputSpec, { kind: "table" }>,
  items: Obj[],
  single = false,
): Promise<string> {
  const clean = () => items.map(withoutManagedFields);
  if (spec.kind === "custom-columns") return customColumns(spec.columns, clean());
  if (spec.kind === "jsonpath") return jsonPath(spec.template, asDocument(clean(), single));
  return await formatObjects(items, spec.kind, single);
}
