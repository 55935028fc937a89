/**
 * MCP authorization on the router: the OAuth resource server of `oauth/` put in front of
 * TokenReview for servers whose `spec.auth.oauth.enabled` is true. A JWT from one of the
 * operator's issuers is verified here (audience = the server's public URL); any other token
 * goes on to TokenReview; a 401 for such a server carries `resource_metadata`, so MCP
 * clients find the issuer themselves; the RFC 9728 metadata is served unauthenticated.
 *
 * @module
 */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Access } from "./access.ts";
import type { Authenticator, Challenge } from "./authn.ts";
import {
  bearerToken,
  metadataResponse,
  type OAuthClusterConfig,
  type OAuthVerifier,
  parseMetadataPath,
  peekIssuer,
  refusalResponse,
  resolveServerOAuth,
  type ServerOAuth,
} from "./oauth/mod.ts";

/** The router hooks of OAuth: an authenticator, the 401 challenge and the metadata route. */
export interface OAuthRouting {
  authenticator: Authenticator;
  challenge: Challenge;
  wellKnown: (req: Request) => Promise<Response>;
}

/** Looks an MCPServer up by namespace and name (the operator's cache). */
export type ServerLookup = (namespace: string, name: string) => MCPServer | undefined;

/** The effective OAuth settings of a server, or undefined when OAuth is off (or invalid) for it. */
export function serverOAuth(
  cluster: OAuthClusterConfig,
  server: MCPServer | undefined,
): ServerOAuth | undefined {
  const o = server?.spec.auth?.oauth;
  if (!server || !o) return undefined;
  const r = resolveServerOAuth(cluster, {
    namespace: server.metadata.namespace ?? "",
    name: server.metadata.name ?? "",
    oauth: { enabled: o.enabled === true, issuer: o.issuer, scopes: o.scopes },
  });
  return r.kind === "enabled" ? r.settings : undefined;
}

/** Builds the hooks for `cluster`, finding servers with `lookup` and verifying with `verifier`. */
export function oauthRouting(
  cluster: OAuthClusterConfig,
  lookup: ServerLookup,
  verifier: OAuthVerifier,
): OAuthRouting {
  const settingsOf = (target: Access) =>
    target.server
      ? serverOAuth(cluster, lookup(target.server.namespace, target.server.name))
      : undefined;
  const authenticator: Authenticator = async (req, target) => {
    const settings = settingsOf(target);
    if (!settings) return undefined;
    const token = bearerToken(req.headers.get("authorization"));
    // A token of another kind (a ServiceAccount's, say) is TokenReview's to judge.
    if (token !== undefined && !settings.issuers.includes(peekIssuer(token) ?? "")) {
      return undefined;
    }
    const r = await verifier.verify(token, settings);
    return r.ok ? r.caller : refusalResponse(r);
  };
  const challenge: Challenge = (_req, target) => {
    const settings = settingsOf(target);
    if (!settings) return undefined;
    const params: Record<string, string> = { resource_metadata: settings.metadataUrl };
    if (settings.scopes.length > 0) params.scope = settings.scopes.join(" ");
    return params;
  };
  const wellKnown = (req: Request) => {
    const path = new URL(req.url).pathname;
    const basePath = new URL(cluster.audienceBase).pathname;
    const ref = parseMetadataPath(path, basePath === "/" ? "" : basePath);
    const settings = ref ? serverOAuth(cluster, lookup(ref.namespace, ref.name)) : undefined;
    if (!ref || !settings) {
      return Promise.resolve(
        Response.json({ error: `Cannot find protected resource "${path}"` }, { status: 404 }),
      );
    }
    return Promise.resolve(
      metadataResponse(settings, {
        method: req.method,
        resourceName: `MCPServer ${ref.namespace}/${ref.name}`,
      }),
    );
  };
  return { authenticator, challenge, wellKnown };
}
