/**
 * JWT access-token validation for one MCP server (RFC 9068 profile, RFC 8707 audience): the
 * issuer's keys come from its discovery document and `jwks_uri` (cached, refetched on an unknown
 * `kid` at most once per cooldown), and the outcome is either a {@linkcode Caller} or a refusal
 * carrying the HTTP status and the exact `WWW-Authenticate` value to answer with.
 *
 * @module
 */

import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  type JWTPayload,
  jwtVerify,
  type JWTVerifyGetKey,
} from "jose";
import type { Caller } from "../../../lib/caller.ts";
import { callerFromClaims, grantedScopes, missingScopes } from "./claims.ts";
import type { OAuthClusterConfig, ServerOAuth } from "./config.ts";
import { discoverIssuer, type IssuerMetadata } from "./discovery.ts";
import { wwwAuthenticate } from "./metadata.ts";

/** Signature algorithms accepted: asymmetric only (no `none`, no HS*). */
export const ALLOWED_ALGORITHMS = [
  "RS256",
  "RS384",
  "RS512",
  "PS256",
  "PS384",
  "PS512",
  "ES256",
  "ES384",
  "ES512",
  "EdDSA",
  "Ed25519",
];

/** A refused token: 401 (no or invalid token) or 403 (insufficient scope), with its challenge. */
export interface OAuthRefusal {
  ok: false;
  status: 401 | 403;
  /** RFC 6750 error code; absent when the request carried no token. */
  error?: "invalid_token" | "insufficient_scope";
  /** The error_description sent to the client (fixed texts, never token content). */
  description?: string;
  /** The exact `WWW-Authenticate` value to answer with. */
  wwwAuthenticate: string;
  /** Why, for the operator's log (never contains the token). */
  reason: string;
}

/** The issuer's metadata or keys could not be fetched: answer 503, the token was not judged. */
export interface OAuthUnavailable {
  ok: false;
  status: 503;
  reason: string;
}

/** Outcome of {@linkcode OAuthVerifier.verify}. */
export type OAuthResult =
  | { ok: true; caller: Caller; scopes: string[]; issuer: string; expiresAt: number }
  | OAuthRefusal
  | OAuthUnavailable;

/** Options of {@linkcode createOAuthVerifier}, with their defaults. */
export interface VerifierOptions {
  /** Timeout of each discovery or JWKS request (default 5000 ms). */
  timeoutMs?: number;
  /** Least time between two JWKS fetches for unknown kids, and between failed discoveries (default 30 s). */
  cooldownMs?: number;
  /** How long a fetched JWKS is used before it is fetched again (default 10 min). */
  jwksMaxAgeMs?: number;
  /** How long a discovery document is used before it is fetched again (default 1 h). */
  discoveryMaxAgeMs?: number;
}

/** Validates bearer tokens against a server's effective OAuth settings. */
export interface OAuthVerifier {
  /** Validates `token` (undefined when the request had none) for the server of `settings`. */
  verify(token: string | undefined, settings: ServerOAuth): Promise<OAuthResult>;
}

/** Thrown by an issuer's key lookup when its metadata or keys cannot be fetched. */
class IssuerUnavailableError extends Error {}

function issuerKeys(issuer: string, opts: Required<VerifierOptions>): JWTVerifyGetKey {
  let meta: IssuerMetadata | undefined;
  let jwks: JWTVerifyGetKey | undefined;
  let discoveredAt = -Infinity;
  let failedAt = -Infinity;
  let pending: Promise<void> | undefined;
  const rediscover = async () => {
    try {
      const next = await discoverIssuer(issuer, { timeoutMs: opts.timeoutMs });
      if (!jwks || next.jwksUri !== meta?.jwksUri) {
        jwks = createRemoteJWKSet(new URL(next.jwksUri), {
          timeoutDuration: opts.timeoutMs,
          cooldownDuration: opts.cooldownMs,
          cacheMaxAge: opts.jwksMaxAgeMs,
        });
      }
      meta = next;
      discoveredAt = Date.now();
    } catch (err) {
      failedAt = Date.now();
      if (!jwks) throw new IssuerUnavailableError((err as Error).message);
    }
  };
  return async (header, token) => {
    const now = Date.now();
    if (now - discoveredAt >= opts.discoveryMaxAgeMs && now - failedAt >= opts.cooldownMs) {
      pending ??= rediscover().finally(() => pending = undefined);
      await pending;
    }
    if (!jwks) throw new IssuerUnavailableError(`Cannot discover issuer "${issuer}": cooling down`);
    try {
      return await jwks(header, token);
    } catch (err) {
      if (err instanceof errors.JWKSNoMatchingKey) throw err;
      if (err instanceof errors.JWKSMultipleMatchingKeys) throw err;
      throw new IssuerUnavailableError(
        `Cannot fetch keys of issuer "${issuer}": ${(err as Error).message}`,
      );
    }
  };
}

/** Why a jose error refuses a token, as an RFC 6750 error_description. */
function describeJoseError(err: unknown): string {
  if (err instanceof errors.JWTExpired) return "The access token expired";
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === "aud") return "The access token is not for this resource";
    if (err.claim === "nbf") return "The access token is not valid yet";
    if (err.claim === "iss") return "The access token issuer is not trusted";
    return `The access token claim ${err.claim} is invalid`;
  }
  if (err instanceof errors.JOSEAlgNotAllowed) return "The access token algorithm is not allowed";
  if (
    err instanceof errors.JWSSignatureVerificationFailed ||
    err instanceof errors.JWKSNoMatchingKey || err instanceof errors.JWKSMultipleMatchingKeys
  ) return "The access token signature is invalid";
  return "The access token is malformed";
}

function unverifiedParts(token: string): { alg: string; iss: unknown } | undefined {
  try {
    return { alg: String(decodeProtectedHeader(token).alg), iss: decodeJwt(token).iss };
  } catch {
    return undefined;
  }
}

/**
 * The `iss` of a JWT whose header names an allowed algorithm, NOT verified: only for choosing
 * between this verifier and TokenReview. Undefined for anything else.
 */
export function peekIssuer(token: string): string | undefined {
  const parts = unverifiedParts(token);
  if (!parts || !ALLOWED_ALGORITHMS.includes(parts.alg)) return undefined;
  return typeof parts.iss === "string" ? parts.iss : undefined;
}

/** The token of an `Authorization: Bearer …` header (RFC 6750 §2.1); undefined otherwise. */
export function bearerToken(header: string | null | undefined): string | undefined {
  const m = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(header ?? "");
  return m?.[1];
}

function refuse(
  settings: ServerOAuth,
  reason: string,
  description?: string,
  error: "invalid_token" | "insufficient_scope" = "invalid_token",
): OAuthRefusal {
  const challenge = description ? { error, description } : {};
  return {
    ok: false,
    status: error === "insufficient_scope" ? 403 : 401,
    ...challenge,
    wwwAuthenticate: wwwAuthenticate({
      resourceMetadata: settings.metadataUrl,
      scopes: settings.scopes,
      ...challenge,
    }),
    reason,
  };
}

/**
 * The 401 `WWW-Authenticate` of an OAuth-enabled server for a request this verifier did not
 * judge (e.g. TokenReview refused its token): without `description` the no-token challenge,
 * with it an `invalid_token` one.
 */
export function oauthChallenge(settings: ServerOAuth, opts: { description?: string } = {}): string {
  return refuse(settings, "", opts.description).wwwAuthenticate;
}

function accept(payload: JWTPayload, settings: ServerOAuth, issuer: string): OAuthResult {
  const mapped = callerFromClaims(payload as Record<string, unknown>, settings);
  if (!mapped.ok) return refuse(settings, mapped.reason, "The access token does not name a caller");
  const scopes = grantedScopes(payload as Record<string, unknown>);
  const missing = missingScopes(scopes, settings.scopes);
  if (missing.length > 0) {
    const description = `The access token lacks scope ${missing.join(" ")}`;
    return refuse(settings, description, description, "insufficient_scope");
  }
  return { ok: true, caller: mapped.caller, scopes, issuer, expiresAt: payload.exp! };
}

/**
 * A verifier trusting only `cluster.issuers`: a token naming any other issuer is refused before
 * anything is fetched, so requests cannot make the operator reach a URL of their choosing.
 */
export function createOAuthVerifier(
  cluster: Pick<OAuthClusterConfig, "issuers">,
  opts: VerifierOptions = {},
): OAuthVerifier {
  const o: Required<VerifierOptions> = {
    timeoutMs: opts.timeoutMs ?? 5_000,
    cooldownMs: opts.cooldownMs ?? 30_000,
    jwksMaxAgeMs: opts.jwksMaxAgeMs ?? 600_000,
    discoveryMaxAgeMs: opts.discoveryMaxAgeMs ?? 3_600_000,
  };
  const keys = new Map(cluster.issuers.map((iss) => [iss, issuerKeys(iss, o)]));
  return {
    async verify(token, settings) {
      if (token === undefined) return refuse(settings, "no bearer token");
      const parts = unverifiedParts(token);
      if (!parts) return refuse(settings, "not a JWT", "The access token is malformed");
      if (!ALLOWED_ALGORITHMS.includes(parts.alg)) {
        return refuse(settings, `alg ${parts.alg}`, "The access token algorithm is not allowed");
      }
      const issuer = parts.iss;
      const getKey = typeof issuer === "string" && settings.issuers.includes(issuer)
        ? keys.get(issuer)
        : undefined;
      if (typeof issuer !== "string" || !getKey) {
        return refuse(settings, "untrusted issuer", "The access token issuer is not trusted");
      }
      try {
        const { payload } = await jwtVerify(token, getKey, {
          issuer,
          audience: settings.resource,
          algorithms: ALLOWED_ALGORITHMS,
          clockTolerance: settings.clockToleranceSeconds,
          requiredClaims: ["exp"],
        });
        return accept(payload, settings, issuer);
      } catch (err) {
        if (err instanceof IssuerUnavailableError) {
          return { ok: false, status: 503, reason: err.message };
        }
        const description = describeJoseError(err);
        return refuse(settings, description, description);
      }
    },
  };
}
