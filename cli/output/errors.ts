/**
 * One error format for every verb, kubectl's: API errors as `Error from server (Reason): …`,
 * everything else as `error: …`, an apply conflict with kubectl's `--force-conflicts` hint.
 *
 * @module
 */

import { describeError, KubeError, type Status } from "../../lib/kube/errors.ts";

const FROM_SERVER = "Error from server";

/** kubectl's text after an apply conflict (cmd/apply/apply.go). */
export const CONFLICT_HINT =
  `Please review the fields above--they currently have other managers. Here
are the ways you can resolve this warning:
* If you intend to manage all of these fields, please re-run the apply
  command with the \`--force-conflicts\` flag.
* If you do not intend to manage all of the fields, please edit your
  manifest to remove references to the fields that should keep their
  current managers.
* You may co-own fields by updating your manifest to match the existing
  value; in this case, you'll become the manager if the other manager(s)
  stop managing the field (remove it from their configuration).
See https://kubernetes.io/docs/reference/using-api/server-side-apply/#conflicts
`;

interface ConflictStatus {
  message?: string;
  details?: { causes?: { reason?: string }[] };
}

/** The Status of a server-side apply conflict (409 with FieldManagerConflict causes), if `err` is one. */
export function applyConflict(err: unknown): ConflictStatus | undefined {
  if (!(err instanceof KubeError) || err.code !== 409 || !err.status) return undefined;
  const st: Status = err.status;
  const causes = st.details?.causes ?? [];
  return causes.some((c) => c.reason === "FieldManagerConflict") ? st : undefined;
}

/** The line(s) kubectl would print for `err` (ending in a newline). */
export function errorText(err: unknown): string {
  const conflict = applyConflict(err);
  if (conflict) return `error: ${conflict.message}\n${CONFLICT_HINT}`;
  const text = describeError(err);
  if (text.startsWith(FROM_SERVER) || text.startsWith("error: ")) return `${text}\n`;
  return `error: ${text}\n`;
}

/**
 * The line for a failed action on one object: API errors as kubectl prints them (their
 * message names the object), others as `error: Cannot <action> <ref>: <reason>`.
 */
export function objectErrorText(action: string, ref: string, err: unknown): string {
  const text = describeError(err);
  if (applyConflict(err) || text.startsWith(FROM_SERVER)) return errorText(err);
  return `error: Cannot ${action} ${ref}: ${text}\n`;
}

/** kubectl's `Warning: …` lines for server warnings. */
export function warningText(warnings: string[]): string {
  return warnings.map((w) => `Warning: ${w}\n`).join("");
}
