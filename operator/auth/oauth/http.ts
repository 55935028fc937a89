/**
 * Thin adapters from the pure OAuth decisions to `Response`s, so every router answers a refusal
 * and the RFC 9728 metadata the same way.
 *
 * @module
 */

import type { ServerOAuth } from "./config.ts";
import { protectedResourceMetadata } from "./metadata.ts";
import type { OAuthRefusal, OAuthUnavailable } from "./verifier.ts";

/** Headers that let browser-based MCP clients read the public metadata document. */
const CORS = {
  "access-control-allow-origin": "*",
  "access-control-allow-methods": "GET, HEAD, OPTIONS",
  "access-control-allow-headers": "mcp-protocol-version",
};

/**
 * The response to a refused token (401/403 with its `WWW-Authenticate`) or to an issuer that
 * cannot be reached (503 with `Retry-After`, default 5 s). The body never names the issuer.
 */
export function refusalResponse(
  r: OAuthRefusal | OAuthUnavailable,
  opts: { retryAfterSeconds?: number } = {},
): Response {
  if (r.status === 503) {
    return Response.json(
      {
        error: "temporarily_unavailable",
        error_description: "The token issuer cannot be reached",
      },
      { status: 503, headers: { "retry-after": String(opts.retryAfterSeconds ?? 5) } },
    );
  }
  return Response.json(
    {
      error: r.error ?? "unauthorized",
      error_description: r.description ?? "A bearer token is required",
    },
    { status: r.status, headers: { "www-authenticate": r.wwwAuthenticate } },
  );
}

/**
 * The answer on a server's metadata path: GET/HEAD the RFC 9728 document (public, cacheable for
 * a minute, readable cross-origin), OPTIONS a CORS preflight, anything else 405.
 */
export function metadataResponse(
  settings: ServerOAuth,
  opts: { method: string; resourceName?: string },
): Response {
  if (opts.method === "OPTIONS") return new Response(null, { status: 204, headers: CORS });
  if (opts.method !== "GET" && opts.method !== "HEAD") {
    return new Response(null, {
      status: 405,
      headers: { allow: CORS["access-control-allow-methods"] },
    });
  }
  const doc = protectedResourceMetadata(settings, { resourceName: opts.resourceName });
  const headers = { ...CORS, "cache-control": "public, max-age=60" };
  if (opts.method === "HEAD") {
    return new Response(null, { headers: { ...headers, "content-type": "application/json" } });
  }
  return Response.json(doc, { headers });
}
