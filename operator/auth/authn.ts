/**
 * Authentication of requests to the operator's port: a list of authenticators tried in order
 * (an OAuth JWT authenticator may stand in front of the Kubernetes TokenReview one). The first
 * that answers with a caller or a response decides; when none does, the request gets a 401.
 *
 * @module
 */

import type { Caller } from "../../lib/caller.ts";
import type { Access } from "./access.ts";
import { unauthorized } from "./status.ts";

/** An authenticated caller, with the `extra` attributes a SubjectAccessReview needs. */
export interface Identity extends Caller {
  extra?: Record<string, string[]>;
}

/**
 * One way to authenticate: a caller when the request proves one; a Response to refuse it with
 * (e.g. a 401 carrying an OAuth `resource_metadata` challenge, or a 503 when the reviewer is
 * unreachable); undefined when this authenticator does not recognise the credentials, so the
 * next one is tried. `target` says what the request is for (route, server).
 */
export type Authenticator = (
  req: Request,
  target: Access,
) => Promise<Identity | Response | undefined>;

/** The bearer token of a request, or undefined (a missing or non-Bearer Authorization). */
export function bearerToken(req: Request): string | undefined {
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(req.headers.get("authorization") ?? "");
  return m?.[1];
}

/** Extra parameters of the final 401's Bearer challenge (e.g. an OAuth `resource_metadata`). */
export type Challenge = (req: Request, target: Access) => Record<string, string> | undefined;

/** Runs the authenticators in order; the first caller or response wins, else a 401. */
export async function authenticate(
  authenticators: readonly Authenticator[],
  req: Request,
  target: Access,
  challenge?: Challenge,
): Promise<Identity | Response> {
  for (const a of authenticators) {
    const out = await a(req, target);
    if (out !== undefined) return out;
  }
  return unauthorized(challenge?.(req, target));
}

/** The caller `--auth none` admits every request as (local development only). */
export const ANONYMOUS: Identity = {
  username: "system:anonymous",
  groups: ["system:unauthenticated"],
  source: "local",
};

/** An authenticator that admits everyone as {@linkcode ANONYMOUS} (`--auth none`). */
export const allowAnonymous: Authenticator = () => Promise.resolve(ANONYMOUS);
