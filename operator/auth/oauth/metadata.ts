/**
 * RFC 9728 protected resource metadata for one MCP server, the path it is served on, and the
 * RFC 6750 `WWW-Authenticate` challenge that points clients at it (MCP authorization,
 * 2025-06-18 and 2025-11-25). Pure functions: the router does the I/O.
 *
 * @module
 */

import type { ServerOAuth } from "./config.ts";

/** The well-known prefix of protected resource metadata (RFC 9728 §3). */
export const METADATA_PREFIX = "/.well-known/oauth-protected-resource";

/** The RFC 9728 document answered for one resource. */
export interface ProtectedResourceMetadata {
  resource: string;
  authorization_servers: string[];
  scopes_supported?: string[];
  bearer_methods_supported: ["header"];
  resource_name?: string;
}

/** The parameters of a Bearer challenge. */
export interface Challenge {
  /** The metadata URL ({@linkcode ServerOAuth.metadataUrl}). */
  resourceMetadata: string;
  /** Scopes needed for the resource (`scope="a b"`); omitted when empty. */
  scopes?: string[];
  /** RFC 6750 §3.1 error code; omitted when the request carried no token. */
  error?: "invalid_request" | "invalid_token" | "insufficient_scope";
  /** Human-readable reason; characters a quoted-string cannot hold become spaces. */
  description?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN =
  /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The resource identifier of server `{ns}/{name}`: `${base}/servers/{ns}/{name}/mcp`. */
export function resourceUrl(base: string, ns: string, name: string): string {
  return `${base.replace(/\/+$/, "")}/servers/${ns}/${name}/mcp`;
}

/** The metadata URL of `resource`: the well-known prefix inserted before its path (RFC 9728 §3.1). */
export function metadataUrlFor(resource: string): string {
  const url = new URL(resource);
  const path = url.pathname === "/" ? "" : url.pathname;
  return `${url.origin}${METADATA_PREFIX}${path}`;
}

/**
 * Parses `/.well-known/oauth-protected-resource{basePath}/servers/{ns}/{name}/mcp`; undefined
 * for any other path. `basePath` is the path of the audience base ("" when it has none).
 */
export function parseMetadataPath(
  pathname: string,
  basePath = "",
): { namespace: string; name: string } | undefined {
  const prefix = `${METADATA_PREFIX}${basePath.replace(/\/+$/, "")}/servers/`;
  if (!pathname.startsWith(prefix)) return undefined;
  const parts = pathname.slice(prefix.length).split("/");
  if (parts.length !== 3 || parts[2] !== "mcp") return undefined;
  const [namespace, name] = parts;
  if (!DNS_LABEL.test(namespace) || !DNS_SUBDOMAIN.test(name)) return undefined;
  return { namespace, name };
}

/** The RFC 9728 document of a server with OAuth enabled. */
export function protectedResourceMetadata(
  settings: ServerOAuth,
  opts: { resourceName?: string } = {},
): ProtectedResourceMetadata {
  return {
    resource: settings.resource,
    authorization_servers: [...settings.issuers],
    ...(settings.scopes.length > 0 ? { scopes_supported: [...settings.scopes] } : {}),
    bearer_methods_supported: ["header"],
    ...(opts.resourceName ? { resource_name: opts.resourceName } : {}),
  };
}

function quoted(value: string): string {
  return `"${value.replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, " ")}"`;
}

/**
 * The `WWW-Authenticate` value of a 401 or 403:
 * `Bearer resource_metadata="…"[, scope="…"][, error="…"][, error_description="…"]`.
 */
export function wwwAuthenticate(c: Challenge): string {
  const params = [`resource_metadata=${quoted(c.resourceMetadata)}`];
  if (c.scopes && c.scopes.length > 0) params.push(`scope=${quoted(c.scopes.join(" "))}`);
  if (c.error) params.push(`error=${quoted(c.error)}`);
  if (c.error && c.description) params.push(`error_description=${quoted(c.description)}`);
  return `Bearer ${params.join(", ")}`;
}
