/**
 * The cluster as identity provider and authorizer: bearer tokens checked with `TokenReview`,
 * requests authorized with `SubjectAccessReview` as the caller. Both answers are cached
 * briefly (keyed by SHA-256, never by the token itself) in bounded caches.
 *
 * @module
 */

import type { KubeClient } from "../../lib/kube/mod.ts";
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

/** A review answer cache: hits, one review in flight per key, errors never cached. */
class ReviewCache<V> {
  readonly #cache: TtlCache<string, V>;
  readonly #inflight = new Map<string, Promise<V>>();
  readonly #report: (result: ReviewEvent["result"]) => void;

  constructor(review: ReviewEvent["review"], opts: ReviewOptions) {
    this.#cache = new TtlCache(opts);
    this.#report = (result) => opts.onReview?.({ review, result });
  }

  /** The cached answer for `key`, else the one `run()` gives, kept for `ttl(answer)` ms. */
  get(key: string, run: () => Promise<V>, ttl: (v: V) => number): Promise<V> {
    const hit = this.#cache.get(key);
    const pendingHit = hit === undefined ? this.#inflight.get(key) : Promise.resolve(hit);
    if (pendingHit) {
      this.#report("cached");
      return pendingHit;
    }
    const pending = run().then((v) => {
      this.#report("reviewed");
      this.#cache.set(key, v, ttl(v));
      return v;
    }, (err) => {
      this.#report("error");
      throw err;
    }).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, pending);
    return pending;
  }
}

/** Authenticates bearer tokens with the cluster's TokenReview API. */
export function tokenReviewAuthenticator(
  client: KubeClient,
  opts: ReviewOptions = {},
): Authenticator {
  const cache = new ReviewCache<Identity | null>("token", opts);
  const { ok, fail } = ttls(opts);
  const review = async (token: string) => {
    const answer = await client.request<TokenReviewStatus>("POST", TOKEN_REVIEWS, {
      body: { apiVersion: "authentication.k8s.io/v1", kind: "TokenReview", spec: { token } },
    });
    return identityFromReview(answer) ?? null;
  };
  return async (req) => {
    const token = bearerToken(req);
    if (!token) return undefined;
    try {
      const who = await cache.get(
        await sha256Hex(token),
        () => review(token),
        (v) => v ? ok : fail,
      );
      return who ?? undefined;
    } catch (err) {
      const msg = `Cannot review token: ${(err as Error).message}`;
      return statusResponse(503, "ServiceUnavailable", msg);
    }
  };
}

function decisionOf(answer: AccessReviewStatus): Decision {
  const st = answer.status ?? {};
  const allowed = st.allowed === true && st.denied !== true;
  return allowed || !st.reason ? { allowed } : { allowed, reason: st.reason };
}

/** Authorizes with the cluster's SubjectAccessReview API as the caller. */
export function accessReviewAuthorizer(client: KubeClient, opts: ReviewOptions = {}): Authorizer {
  const cache = new ReviewCache<Decision>("access", opts);
  const { ok, fail } = ttls(opts);
  return async (caller, attrs) => {
    const body = accessReview(caller, attrs);
    const run = async () =>
      decisionOf(await client.request<AccessReviewStatus>("POST", ACCESS_REVIEWS, { body }));
    return await cache.get(
      await sha256Hex(JSON.stringify(body.spec)),
      run,
      (d) => d.allowed ? ok : fail,
    );
  };
}

/** The authorizer of `--auth none`: allows everything. */
export const allowAll: Authorizer = () => Promise.resolve({ allowed: true });
