/** kubectl's `--validate` and `--dry-run` values, parsed the way kubectl parses them. */

import type { FieldValidation } from "./raw.ts";

/** What `--dry-run` asks for. */
export type DryRun = "none" | "client" | "server";

/** `--validate=strict|warn|ignore` (or true/false) → the `fieldValidation` to send. */
export function parseValidate(value: string | boolean | undefined): FieldValidation {
  const v = value === undefined || value === true ? "strict" : value === false ? "false" : value;
  switch (v.toLowerCase()) {
    case "strict":
    case "true":
      return "Strict";
    case "warn":
      return "Warn";
    case "ignore":
    case "false":
      return "Ignore";
  }
  throw new Error(
    `invalid - validate option "${v}"; must be one of: strict (or true), warn, ignore (or false)`,
  );
}

/** `--dry-run[=none|client|server]` (bare `--dry-run` means client, as kubectl took it). */
export function parseDryRun(value: string | boolean | undefined): DryRun {
  if (value === undefined || value === false) return "none";
  if (value === true) return "client";
  if (value === "none" || value === "client" || value === "server") return value;
  throw new Error(`Invalid dry-run value (${value}). Must be "none", "server", or "client".`);
}

/** The suffix kubectl prints after a dry-run action (` (dry run)`, ` (server dry run)`). */
export function dryRunSuffix(d: DryRun): string {
  return d === "client" ? " (dry run)" : d === "server" ? " (server dry run)" : "";
}
