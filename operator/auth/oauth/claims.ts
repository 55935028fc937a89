/**
 * From verified JWT claims to a {@linkcode Caller} and its scopes: pure functions, so the
 * mapping rules (prefix, claim names, limits) are table-tested without a token.
 *
 * @module
 */

import type { Caller } from "../../../lib/caller.ts";

/** How claims map to a caller (from {@linkcode ServerOAuth}). */
export interface ClaimMapping {
  usernameClaim: string;
  groupsClaim: string;
  prefix: string;
}

/** Bounds that keep a caller small enough for the caller header. */
export const CLAIM_LIMITS = { usernameLength: 512, groupLength: 256, groups: 128 } as const;

/** The caller named by `claims`, or why the claims cannot name one. */
export type CallerFromClaims = { ok: true; caller: Caller } | { ok: false; reason: string };

/** The scopes granted by a token: the `scope` string (RFC 9068) or the `scp` array or string. */
export function grantedScopes(claims: Record<string, unknown>): string[] {
  const raw = claims.scope ?? claims.scp;
  if (typeof raw === "string") return raw.split(" ").filter((s) => s !== "");
  if (Array.isArray(raw)) return raw.filter((s): s is string => typeof s === "string");
  return [];
}

/** The scopes of `required` that `granted` lacks, in `required`'s order. */
export function missingScopes(granted: string[], required: string[]): string[] {
  const have = new Set(granted);
  return required.filter((s) => !have.has(s));
}

function groupsOf(value: unknown, claim: string): string[] | string {
  if (value === undefined || value === null) return [];
  const list = typeof value === "string" ? [value] : value;
  if (!Array.isArray(list) || !list.every((g) => typeof g === "string")) {
    return `claim "${claim}" is not a string or a list of strings`;
  }
  if (list.length > CLAIM_LIMITS.groups) {
    return `claim "${claim}" has more than ${CLAIM_LIMITS.groups} groups`;
  }
  if (list.some((g) => g === "" || g.length > CLAIM_LIMITS.groupLength)) {
    return `claim "${claim}" has an empty group or one longer than ${CLAIM_LIMITS.groupLength}`;
  }
  return list;
}

/** Maps verified claims to a caller of source "oauth", every name carrying the prefix. */
export function callerFromClaims(
  claims: Record<string, unknown>,
  mapping: ClaimMapping,
): CallerFromClaims {
  const user = claims[mapping.usernameClaim];
  if (typeof user !== "string" || user === "") {
    return { ok: false, reason: `claim "${mapping.usernameClaim}" is missing or not a string` };
  }
  if (user.length > CLAIM_LIMITS.usernameLength) {
    return { ok: false, reason: `claim "${mapping.usernameClaim}" is too long` };
  }
  const groups = groupsOf(claims[mapping.groupsClaim], mapping.groupsClaim);
  if (typeof groups === "string") return { ok: false, reason: groups };
  return {
    ok: true,
    caller: {
      username: `${mapping.prefix}${user}`,
      groups: [...new Set(groups)].map((g) => `${mapping.prefix}${g}`),
      source: "oauth",
    },
  };
}
