/**
 * OAuth resource-server settings: the cluster-wide part (operator flags) and the per-server part
 * (an MCPServer field), folded by {@linkcode resolveServerOAuth} into the effective settings of
 * one server. Issuers come only from the operator's configuration: a server may pick one of
 * them, never add its own, so nothing a namespace writes makes the operator fetch a URL.
 *
 * @module
 */

import { metadataUrlFor, resourceUrl } from "./metadata.ts";

/** Cluster-wide OAuth settings (operator flags). */
export interface OAuthClusterConfig {
  /** Trusted issuer identifiers; `https://` except on loopback hosts. */
  issuers: string[];
  /** Public base URL of the router (`https://mcp.example.com`); resources are below it. */
  audienceBase: string;
  /** Scopes every token must carry, whatever the server asks. */
  requiredScopes: string[];
  /** Claim that names the caller (default `sub`). */
  usernameClaim: string;
  /** Claim that lists the caller's groups (default `groups`). */
  groupsClaim: string;
  /** Prefix put before the username and every group (default `oidc:`); never empty. */
  prefix: string;
  /** Allowed clock skew for `exp`/`nbf` in seconds (default 30). */
  clockToleranceSeconds: number;
}

/** Per-server OAuth settings (an MCPServer field). */
export interface ServerOAuthSpec {
  /** Accept JWT access tokens for this server. */
  enabled: boolean;
  /** Scopes required in addition to the cluster's. */
  scopes?: string[];
  /** The one issuer this server trusts; must be one of the cluster's issuers. */
  issuer?: string;
}

/** The effective settings for one server, as the verifier and the metadata endpoint use them. */
export interface ServerOAuth {
  /** RFC 8707 resource identifier: `${audienceBase}/servers/{ns}/{name}/mcp`; must be in `aud`. */
  resource: string;
  /** RFC 9728 metadata URL for {@linkcode ServerOAuth.resource}. */
  metadataUrl: string;
  /** Issuers whose tokens are accepted (the server's one, or all of the cluster's). */
  issuers: string[];
  /** Scopes a token must carry (cluster's, then the server's). */
  scopes: string[];
  /** Claim mapping and tolerance, from the cluster. */
  usernameClaim: string;
  groupsClaim: string;
  prefix: string;
  clockToleranceSeconds: number;
}

/** What {@linkcode resolveServerOAuth} decided for one server. */
export type ServerOAuthResolution =
  | { kind: "disabled" }
  | { kind: "enabled"; settings: ServerOAuth }
  | { kind: "invalid"; message: string };

/** Defaults of the claim mapping and clock tolerance. */
export const OAUTH_DEFAULTS = {
  usernameClaim: "sub",
  groupsClaim: "groups",
  prefix: "oidc:",
  clockToleranceSeconds: 30,
} as const;

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;
const CLAIM_NAME = /^[A-Za-z0-9_.:\-/]{1,256}$/;

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/** Checks that `value` may be fetched by the operator: `https:`, or `http:` on a loopback host. */
export function checkFetchableUrl(value: string, kind: string): string | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `Cannot use ${kind} "${value}": not an absolute URL`;
  }
  if (url.username || url.password || url.hash) {
    return `Cannot use ${kind} "${value}": credentials and fragments are not allowed`;
  }
  if (url.protocol === "https:") return undefined;
  if (url.protocol === "http:" && isLoopback(url.hostname)) return undefined;
  return `Cannot use ${kind} "${value}": https is required except on loopback hosts`;
}

function checkScopes(scopes: string[], kind: string): string | undefined {
  const bad = scopes.find((s) => !SCOPE_TOKEN.test(s));
  return bad === undefined
    ? undefined
    : `Cannot use ${kind} scope "${bad}": not an RFC 6749 scope token`;
}

function checkBase(value: string): string | undefined {
  const err = checkFetchableUrl(value, "OAuth audience base");
  if (err) return err;
  const url = new URL(value);
  if (url.search) return `Cannot use OAuth audience base "${value}": a query is not allowed`;
  return undefined;
}

function checkMapping(c: OAuthClusterConfig): string | undefined {
  for (const claim of [c.usernameClaim, c.groupsClaim]) {
    if (!CLAIM_NAME.test(claim)) return `Cannot use OAuth claim "${claim}": not a claim name`;
  }
  if (!c.prefix || c.prefix.startsWith("system:")) {
    return `Cannot use OAuth prefix "${c.prefix}": it must be non-empty and not start with "system:"`;
  }
  if (!Number.isFinite(c.clockToleranceSeconds) || c.clockToleranceSeconds < 0) {
    return `Cannot use OAuth clock tolerance "${c.clockToleranceSeconds}": not a non-negative number`;
  }
  return undefined;
}

/**
 * Validates the cluster-wide settings (at operator start-up): undefined when valid, else the
 * message to exit with.
 */
export function validateClusterOAuth(c: OAuthClusterConfig): string | undefined {
  if (c.issuers.length === 0) return "Cannot enable OAuth: no issuer is configured";
  for (const issuer of c.issuers) {
    const err = checkFetchableUrl(issuer, "OAuth issuer");
    if (err) return err;
    if (new URL(issuer).search) {
      return `Cannot use OAuth issuer "${issuer}": a query is not allowed`;
    }
  }
  return checkBase(c.audienceBase) ?? checkScopes(c.requiredScopes, "required") ??
    checkMapping(c);
}

/**
 * The effective OAuth settings of server `{namespace}/{name}`, or why they cannot be used (a
 * message for a `Configured=False` condition).
 */
export function resolveServerOAuth(
  cluster: OAuthClusterConfig | undefined,
  server: { namespace: string; name: string; oauth?: ServerOAuthSpec },
): ServerOAuthResolution {
  const spec = server.oauth;
  if (!spec?.enabled) return { kind: "disabled" };
  const ref = `${server.namespace}/${server.name}`;
  if (!cluster) {
    return {
      kind: "invalid",
      message:
        `Cannot enable OAuth for MCPServer "${ref}": the operator has no OAuth issuer configured`,
    };
  }
  if (spec.issuer !== undefined && !cluster.issuers.includes(spec.issuer)) {
    return {
      kind: "invalid",
      message: `Cannot enable OAuth for MCPServer "${ref}": issuer "${spec.issuer}" is not one ` +
        `of the operator's issuers (${cluster.issuers.join(", ")})`,
    };
  }
  const scopeErr = checkScopes(spec.scopes ?? [], `MCPServer "${ref}"`);
  if (scopeErr) return { kind: "invalid", message: scopeErr };
  const resource = resourceUrl(cluster.audienceBase, server.namespace, server.name);
  return {
    kind: "enabled",
    settings: {
      resource,
      metadataUrl: metadataUrlFor(resource),
      issuers: spec.issuer !== undefined ? [spec.issuer] : [...cluster.issuers],
      scopes: [...new Set([...cluster.requiredScopes, ...(spec.scopes ?? [])])],
      usernameClaim: cluster.usernameClaim,
      groupsClaim: cluster.groupsClaim,
      prefix: cluster.prefix,
      clockToleranceSeconds: cluster.clockToleranceSeconds,
    },
  };
}
