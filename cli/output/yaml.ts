/** YAML text of a document (a module of its own so the yaml package loads only for -o yaml). */

import { stringify } from "yaml";

/** Serializes a document as YAML; `sorted` orders map keys as Go's encoder does (for diffs). */
export function toYaml(doc: unknown, opts: { sorted?: boolean } = {}): string {
  return stringify(doc, { sortMapEntries: opts.sorted === true });
}
