/** YAML text of a document (a module of its own so the yaml package loads only for -o yaml). */

import { stringify } from "yaml";

/** Serializes a document as YAML. */
export function toYaml(doc: unknown): string {
  return stringify(doc);
}
