import assert from "node:assert/strict";
import { OAUTH_DEFAULTS, type ServerOAuth } from "./config.ts";
import {
  metadataUrlFor,
  parseMetadataPath,
  protectedResourceMetadata,
  resourceUrl,
  wwwAuthenticate,
} from "./metadata.ts";

const META = "https://mcp.example.com/.well-known/oauth-protected-resource/servers/ns/s/mcp";

Deno.test("resourceUrl() and metadataUrlFor() follow RFC 9728 §3.1 path insertion", () => {
  assert.equal(
    resourceUrl("https://mcp.example.com//", "ns", "s"),
    "https://mcp.example.com/servers/ns/s/mcp",
  );
  assert.equal(metadataUrlFor("https://mcp.example.com/servers/ns/s/mcp"), META);
  assert.equal(
    metadataUrlFor("https://mcp.example.com"),
    "https://mcp.example.com/.well-known/oauth-protected-resource",
  );
});

Deno.test("parseMetadataPath() accepts only a server's /mcp metadata path", () => {
  const cases: [string, string, { namespace: string; name: string } | undefined][] = [
    ["/.well-known/oauth-protected-resource/servers/ns/s/mcp", "", { namespace: "ns", name: "s" }],
    ["/.well-known/oauth-protected-resource/servers/team-a/gh.v2/mcp", "", {
      namespace: "team-a",
      name: "gh.v2",
    }],
    ["/.well-known/oauth-protected-resource/nmcp/servers/ns/s/mcp", "/nmcp", {
      namespace: "ns",
      name: "s",
    }],
    ["/.well-known/oauth-protected-resource/servers/ns/s/mcp", "/nmcp", undefined],
    ["/.well-known/oauth-protected-resource/servers/ns/s/sse", "", undefined],
    ["/.well-known/oauth-protected-resource/servers/ns/s/mcp/x", "", undefined],
    ["/.well-known/oauth-protected-resource/servers/NS/s/mcp", "", undefined],
    ["/.well-known/oauth-protected-resource/servers/../s/mcp", "", undefined],
    ["/.well-known/oauth-protected-resource", "", undefined],
    ["/servers/ns/s/mcp", "", undefined],
  ];
  for (const [path, base, want] of cases) {
    assert.deepEqual(parseMetadataPath(path, base), want, path);
  }
});

const settings: ServerOAuth = {
  ...OAUTH_DEFAULTS,
  resource: "https://mcp.example.com/servers/ns/s/mcp",
  metadataUrl: META,
  issuers: ["https://idp.example.com"],
  scopes: ["mcp:tools", "repo"],
};

Deno.test("protectedResourceMetadata() answers the RFC 9728 document", () => {
  assert.deepEqual(protectedResourceMetadata(settings, { resourceName: "ns/s" }), {
    resource: "https://mcp.example.com/servers/ns/s/mcp",
    authorization_servers: ["https://idp.example.com"],
    scopes_supported: ["mcp:tools", "repo"],
    bearer_methods_supported: ["header"],
    resource_name: "ns/s",
  });
  assert.deepEqual(protectedResourceMetadata({ ...settings, scopes: [] }), {
    resource: "https://mcp.example.com/servers/ns/s/mcp",
    authorization_servers: ["https://idp.example.com"],
    bearer_methods_supported: ["header"],
  });
});

Deno.test("wwwAuthenticate() builds RFC 6750 challenges with resource_metadata", () => {
  assert.equal(wwwAuthenticate({ resourceMetadata: META }), `Bearer resource_metadata="${META}"`);
  assert.equal(
    wwwAuthenticate({
      resourceMetadata: META,
      scopes: ["a", "b"],
      error: "invalid_token",
      description: "The access token expired",
    }),
    `Bearer resource_metadata="${META}", scope="a b", error="invalid_token", error_description="The access token expired"`,
  );
  assert.equal(
    wwwAuthenticate({ resourceMetadata: META, scopes: ["a"], error: "insufficient_scope" }),
    `Bearer resource_metadata="${META}", scope="a", error="insufficient_scope"`,
  );
  assert.equal(
    wwwAuthenticate({
      resourceMetadata: META,
      error: "invalid_token",
      description: 'say "hi"\\\r\n',
    }),
    `Bearer resource_metadata="${META}", error="invalid_token", error_description="say  hi    "`,
  );
  assert.equal(
    wwwAuthenticate({ resourceMetadata: META, description: "dropped without an error" }),
    `Bearer resource_metadata="${META}"`,
  );
});
