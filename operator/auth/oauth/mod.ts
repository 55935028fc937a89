/**
 * MCP authorization for the operator's router: an OAuth 2.1 resource server accepting JWT
 * access tokens from issuers the operator is configured with (MCP authorization 2025-06-18 /
 * 2025-11-25, RFC 9728 metadata, RFC 8707 audience, RFC 6750 challenges).
 *
 * Use: `resolveServerOAuth(cluster, server)` → settings; answer
 * `parseMetadataPath(path)` with `protectedResourceMetadata(settings)`; pass the bearer token to
 * `createOAuthVerifier(cluster).verify(token, settings)` and answer a refusal with its status
 * and `WWW-Authenticate`.
 *
 * @module
 */

export {
  checkFetchableUrl,
  OAUTH_DEFAULTS,
  type OAuthClusterConfig,
  resolveServerOAuth,
  type ServerOAuth,
  type ServerOAuthResolution,
  type ServerOAuthSpec,
  validateClusterOAuth,
} from "./config.ts";
export {
  type Challenge,
  METADATA_PREFIX,
  metadataUrlFor,
  parseMetadataPath,
  type ProtectedResourceMetadata,
  protectedResourceMetadata,
  resourceUrl,
  wwwAuthenticate,
} from "./metadata.ts";
export {
  ALLOWED_ALGORITHMS,
  bearerToken,
  createOAuthVerifier,
  missingTokenChallenge,
  type OAuthResult,
  type OAuthVerifier,
  peekIssuer,
  type VerifierOptions,
} from "./verifier.ts";
export { callerFromClaims, type ClaimMapping, grantedScopes } from "./claims.ts";
