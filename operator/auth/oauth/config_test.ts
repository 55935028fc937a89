import assert from "node:assert/strict";
import {
  checkFetchableUrl,
  OAUTH_DEFAULTS,
  type OAuthClusterConfig,
  resolveServerOAuth,
  validateClusterOAuth,
} from "./config.ts";

const IDP = "https://idp.example.com/realms/mcp";
const cluster: OAuthClusterConfig = {
  ...OAUTH_DEFAULTS,
  issuers: [IDP, "https://login.example.org"],
  audienceBase: "https://mcp.example.com/",
  requiredScopes: ["mcp"],
};

Deno.test("checkFetchableUrl() wants https, except on loopback hosts", () => {
  const cases: [string, boolean][] = [
    ["https://idp.example.com", true],
    ["http://127.0.0.1:8080", true],
    ["http://127.10.0.3", true],
    ["http://localhost:9000/x", true],
    ["http://[::1]:9000", true],
    ["http://idp.example.com", false],
    ["http://10.0.0.1", false],
    ["http://127.0.0.1.nip.io", false],
    ["https://user:pw@idp.example.com", false],
    ["https://idp.example.com/#frag", false],
    ["file:///etc/passwd", false],
    ["idp.example.com", false],
  ];
  for (const [url, ok] of cases) {
    assert.equal(checkFetchableUrl(url, "OAuth issuer") === undefined, ok, url);
  }
  assert.equal(
    checkFetchableUrl("http://idp.example.com", "OAuth issuer"),
    'Cannot use OAuth issuer "http://idp.example.com": https is required except on loopback hosts',
  );
});

Deno.test("validateClusterOAuth() accepts the defaults and names what is wrong otherwise", () => {
  assert.equal(validateClusterOAuth(cluster), undefined);
  const cases: [Partial<OAuthClusterConfig>, string][] = [
    [{ issuers: [] }, "Cannot enable OAuth: no issuer is configured"],
    [
      { issuers: ["https://idp.example.com?x=1"] },
      'Cannot use OAuth issuer "https://idp.example.com?x=1": a query is not allowed',
    ],
    [
      { audienceBase: "http://mcp.example.com" },
      'Cannot use OAuth audience base "http://mcp.example.com": https is required except on loopback hosts',
    ],
    [{ requiredScopes: ['a"b'] }, 'Cannot use required scope "a"b": not an RFC 6749 scope token'],
    [{ usernameClaim: "a b" }, 'Cannot use OAuth claim "a b": not a claim name'],
    [
      { prefix: "" },
      'Cannot use OAuth prefix "": it must be non-empty and not start with "system:"',
    ],
    [
      { prefix: "system:x" },
      'Cannot use OAuth prefix "system:x": it must be non-empty and not start with "system:"',
    ],
    [
      { clockToleranceSeconds: -1 },
      'Cannot use OAuth clock tolerance "-1": not a non-negative number',
    ],
  ];
  for (const [patch, message] of cases) {
    assert.equal(validateClusterOAuth({ ...cluster, ...patch }), message);
  }
});

Deno.test("resolveServerOAuth() derives resource, metadata URL, issuers and scopes", () => {
  const server = {
    namespace: "team-a",
    name: "github",
    oauth: { enabled: true, scopes: ["repo", "mcp"] },
  };
  assert.deepEqual(resolveServerOAuth(cluster, server), {
    kind: "enabled",
    settings: {
      resource: "https://mcp.example.com/servers/team-a/github/mcp",
      metadataUrl:
        "https://mcp.example.com/.well-known/oauth-protected-resource/servers/team-a/github/mcp",
      issuers: [IDP, "https://login.example.org"],
      scopes: ["mcp", "repo"],
      usernameClaim: "sub",
      groupsClaim: "groups",
      prefix: "oidc:",
      clockToleranceSeconds: 30,
    },
  });
  const one = resolveServerOAuth(cluster, { ...server, oauth: { enabled: true, issuer: IDP } });
  assert.ok(one.kind === "enabled");
  assert.deepEqual(one.settings.issuers, [IDP]);
});

Deno.test("resolveServerOAuth() puts the well-known prefix before a base path (RFC 9728 §3.1)", () => {
  const r = resolveServerOAuth({ ...cluster, audienceBase: "https://example.com/nmcp" }, {
    namespace: "ns",
    name: "s",
    oauth: { enabled: true },
  });
  assert.ok(r.kind === "enabled");
  assert.equal(r.settings.resource, "https://example.com/nmcp/servers/ns/s/mcp");
  assert.equal(
    r.settings.metadataUrl,
    "https://example.com/.well-known/oauth-protected-resource/nmcp/servers/ns/s/mcp",
  );
});

Deno.test("resolveServerOAuth() is disabled unless asked, and explains a setting it cannot honour", () => {
  const ref = { namespace: "ns", name: "s" };
  assert.deepEqual(resolveServerOAuth(cluster, ref), { kind: "disabled" });
  assert.deepEqual(resolveServerOAuth(undefined, { ...ref, oauth: { enabled: false } }), {
    kind: "disabled",
  });
  assert.deepEqual(resolveServerOAuth(undefined, { ...ref, oauth: { enabled: true } }), {
    kind: "invalid",
    message:
      'Cannot enable OAuth for MCPServer "ns/s": the operator has no OAuth issuer configured',
  });
  assert.deepEqual(
    resolveServerOAuth(cluster, {
      ...ref,
      oauth: { enabled: true, issuer: "https://evil.example.com" },
    }),
    {
      kind: "invalid",
      message:
        'Cannot enable OAuth for MCPServer "ns/s": issuer "https://evil.example.com" is not one ' +
        `of the operator's issuers (${IDP}, https://login.example.org)`,
    },
  );
  assert.deepEqual(
    resolveServerOAuth(cluster, { ...ref, oauth: { enabled: true, scopes: ["a b"] } }),
    {
      kind: "invalid",
      message: 'Cannot use MCPServer "ns/s" scope "a b": not an RFC 6749 scope token',
    },
  );
});
