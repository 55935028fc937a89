import assert from "node:assert/strict";
import { OAUTH_DEFAULTS, type ServerOAuth } from "./config.ts";
import { metadataResponse, refusalResponse } from "./http.ts";
import type { OAuthRefusal } from "./verifier.ts";

const settings: ServerOAuth = {
  ...OAUTH_DEFAULTS,
  resource: "https://mcp.example.com/servers/ns/s/mcp",
  metadataUrl: "https://mcp.example.com/.well-known/oauth-protected-resource/servers/ns/s/mcp",
  issuers: ["https://idp.example.com"],
  scopes: ["mcp:tools"],
};

Deno.test("refusalResponse() answers 401/403 with the challenge and 503 with Retry-After", async () => {
  const header = 'Bearer resource_metadata="x", error="insufficient_scope"';
  const cases: [OAuthRefusal, Record<string, string>][] = [
    [
      {
        ok: false,
        status: 403,
        error: "insufficient_scope",
        description: "The access token lacks scope mcp:tools",
        wwwAuthenticate: header,
        reason: "missing scope",
      },
      { error: "insufficient_scope", error_description: "The access token lacks scope mcp:tools" },
    ],
    [
      { ok: false, status: 401, wwwAuthenticate: header, reason: "no bearer token" },
      { error: "unauthorized", error_description: "A bearer token is required" },
    ],
  ];
  for (const [refusal, body] of cases) {
    const res = refusalResponse(refusal);
    assert.equal(res.status, refusal.status);
    assert.equal(res.headers.get("www-authenticate"), header);
    assert.deepEqual(await res.json(), body);
  }

  const down = refusalResponse({
    ok: false,
    status: 503,
    reason: 'Cannot discover issuer "https://idp"',
  }, {
    retryAfterSeconds: 9,
  });
  assert.equal(down.status, 503);
  assert.equal(down.headers.get("retry-after"), "9");
  assert.equal(down.headers.get("www-authenticate"), null);
  assert.doesNotMatch(await down.text(), /idp/);
});

Deno.test("metadataResponse() serves the document publicly and answers CORS preflights", async () => {
  const get = metadataResponse(settings, { method: "GET", resourceName: "ns/s" });
  assert.equal(get.status, 200);
  assert.equal(get.headers.get("access-control-allow-origin"), "*");
  assert.equal(get.headers.get("cache-control"), "public, max-age=60");
  assert.deepEqual(await get.json(), {
    resource: settings.resource,
    authorization_servers: ["https://idp.example.com"],
    scopes_supported: ["mcp:tools"],
    bearer_methods_supported: ["header"],
    resource_name: "ns/s",
  });
  const head = metadataResponse(settings, { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-type"), "application/json");
  assert.equal(await head.text(), "");
  const preflight = metadataResponse(settings, { method: "OPTIONS" });
  assert.equal(preflight.status, 204);
  assert.equal(preflight.headers.get("access-control-allow-headers"), "mcp-protocol-version");
  const post = metadataResponse(settings, { method: "POST" });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET, HEAD, OPTIONS");
});
