/**
 * MCP authorization for the operator's router: an OAuth 2.1 resource server accepting JWT
 * access tokens from issuers the operator is configured with (MCP authorization 2025-06-18 /
 * 2025-11-25, RFC 9728 metadata, RFC 8707 audience, RFC 6750 challenges).
 *
 * How a router uses it, per request:
 * 1. `GET|HEAD|OPTIONS /.well-known/oauth-protected-resource/servers/{ns}/{name}/mcp`
 *    (`parseMetadataPath`): unauthenticated. Look the server up; when
 *    `resolveServerOAuth(cluster, server)` is "enabled" answer `metadataResponse(settings, …)`,
 *    otherwise 404.
 * 2. `/servers/{ns}/{name}/…` of a server whose OAuth is "enabled": take
 *    `bearerToken(authorization)`; when it is missing, or `peekIssuer(token)` is one of
 *    `settings.issuers`, answer from `verifier.verify(token, settings)`: a refusal with
 *    `refusalResponse(result)` (401 invalid/expired/wrong audience/untrusted, 403 insufficient
 *    scope, 503 issuer unreachable), success gives the `Caller`. Any other token goes to
 *    TokenReview; if that refuses it, answer 401 with `oauthChallenge(settings, { description })`
 *    so MCP clients still discover the issuer.
 * 3. A server whose resolution is "invalid": its message belongs in `Configured=False`.
 *
 @module
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
  oauthChallenge,
  type OAuthRefusal,
  type OAuthResult,
  type OAuthUnavailable,
  type OAuthVerifier,
  peekIssuer,
  type VerifierOptions,
} from "./verifier.ts";
export { metadataResponse, refusalResponse } from "./http.ts";
export { callerFromClaims, type ClaimMapping, grantedScopes } from "./claims.ts";
