/**
 * The cluster as identity provider and authorizer: bearer tokens checked with `TokenReview`,
 * requests authorized with `SubjectAccessReview` as the caller. Both answers are cached
 * briefly (keyed by SHA-256, never by the token itself) in bounded caches.
 *
 * @module
 */

import type { KubeClient } from "../kube/client.ts";
import type { Attributes } from "./access.ts";
import { type Authenticator, bearerToken, type Identity } from "./authn.ts";
import { statusResponse } from "./status.ts";
import { sha256Hex, TtlCache } from "./ttl_cache.ts";

/** The result of an authorization. */
export interface Decision {
  allowed: boolean;
  /** The authorizer's reason, if it gave one. */
  reason?: string;
}

/** Decides whether a caller may do what `attrs` describe (throws when it cannot tell). */
export type Authorizer = (caller: Identity, attrs: Attributes) => Promise<Decision>;

/** Which review was answered, and how (for metrics). */
export type ReviewEvent = { review: "token" | "access"; result: "cached" | "reviewed" | "error" };

/** Options of the reviewers. */
export interface ReviewOptions {
  /** How long a positive answer is reused. Default 10 000 ms (0 = no cache). */
  ttlMs?: number;
  /** How long a negative answer is reused. Default min(2 000, ttlMs). */
  failureTtlMs?: number;
  /** Most answers cached. Default 4096. */
  maxEntries?: number;
  /** Clock in ms, for tests. */
  now?: () => number;
  /** Told about every review (cache hit, API call, error). */
  onReview?: (e: ReviewEvent) => void;
}

const TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";
const ACCESS_REVIEWS = "/apis/authorization.k8s.io/v1/subjectaccessreviews";

interface TokenReviewStatus {
  status?: {
    authenticated?: boolean;
    error?: string;
    user?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  };
}

interface AccessReviewStatus {
  status?: { allowed?: boolean; denied?: boolean; reason?: string; evaluationError?: string };
}

function ttls(opts: ReviewOptions): { ok: number; fail: number } {
  const ok = opts.ttlMs ?? 10_000;
  return { ok, fail: Math.min(opts.failureTtlMs ?? 2_000, ok) };
}

/** A caller from a TokenReview answer; undefined when it did not authenticate. */
export function identityFromReview(review: TokenReviewStatus): Identity | undefined {
  const st = review.status;
  if (!st?.authenticated || !st.user?.username) return undefined;
  const { username, uid, groups, extra } = st.user;
  return {
    username,
    groups: Array.isArray(groups) ? groups.filter((g) => typeof g === "string") : [],
    source: "kubernetes",
    ...(uid ? { uid } : {}),
    ...(extra && Object.keys(extra).length ? { extra } : {}),
  };
}

/** The SubjectAccessReview asking whether `caller` may do `attrs`. */
export function accessReview(caller: Identity, attrs: Attributes): Record<string, unknown> {
  const { kind: _kind, ...rest } = attrs;
  const spec: Record<string, unknown> = {
    user: caller.username,
    groups: caller.groups,
    ...(caller.uid ? { uid: caller.uid } : {}),
    ...(caller.extra ? { extra: caller.extra } : {}),
    [attrs.kind === "resource" ? "resourceAttributes" : "nonResourceAttributes"]: rest,
  };
  return { apiVersion: "authorization.k8s.io/v1", kind: "SubjectAccessReview", spec };
}

/** Authenticates bearer tokens with the cluster's TokenReview API. */
export function tokenReviewAuthenticator(
  client: KubeClient,
  opts: ReviewOptions = {},
): Authenticator {
  const cache = new TtlCache<string, Identity | null>(opts);
  const { ok, fail } = ttls(opts);
  const report = opts.onReview ?? (() => {});
  return async (req) => {
    const token = bearerToken(req);
    if (!token) return undefined;
    const key = await sha256Hex(token);
    const hit = cache.get(key);
    if (hit !== undefined) {
      report({ review: "token", result: "cached" });
      return hit ?? undefined;
    }
    let review: TokenReviewStatus;
    try {
      review = await client.request<TokenReviewStatus>("POST", TOKEN_REVIEWS, {
        body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } },
      });
    } catch (err) {
      report({ review: "token", result: "error" });
      const msg = `Cannot review token: ${(err as Error).message}`;
      return statusResponse(503, "ServiceUnavailable", msg);
    }
    report({ review: "token", result: "reviewed" });
    const who = identityFromReview(review);
    cache.set(key, who ?? null, who ? ok : fail);
    return who;
  };
}

/** Authorizes with the cluster's SubjectAccessReview API as the caller. */
export function accessReviewAuthorizer(client: KubeClient, opts: ReviewOptions = {}): Authorizer {
  const cache = new TtlCache<string, Decision>(opts);
  const { ok, fail } = ttls(opts);
  const report = opts.onReview ?? (() => {});
  return async (caller, attrs) => {
    const body = accessReview(caller, attrs);
    const key = await sha256Hex(JSON.stringify(body.spec));
    const hit = cache.get(key);
    if (hit) {
      report({ review: "access", result: "cached" });
      return hit;
    }
    let review: AccessReviewStatus;
    try {
      review = await client.request<AccessReviewStatus>("POST", ACCESS_REVIEWS, { body });
    } catch (err) {
      report({ review: "access", result: "error" });
      throw err;
    }
    report({ review: "access", result: "reviewed" });
    const st = review.status ?? {};
    const allowed = st.allowed === true && st.denied !== true;
    const decision: Decision = allowed || !st.reason ? { allowed } : { allowed, reason: st.reason };
    cache.set(key, decision, allowed ? ok : fail);
    return decision;
  };
}

/** The authorizer of `--auth none`: allows everything. */
export const allowAll: Authorizer = () => Promise.resolve({ allowed: true });
