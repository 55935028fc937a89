import assert from "node:assert/strict";
import { decodeProtectedHeader, generateKeyPair, SignJWT } from "jose";
import { type OidcFixture, startOidcProvider } from "../../../tests/fixtures/oidc/provider.ts";
import {
  bearerToken,
  createOAuthVerifier,
  OAUTH_DEFAULTS,
  oauthChallenge,
  type OAuthClusterConfig,
  peekIssuer,
  resolveServerOAuth,
  type ServerOAuth,
  type ServerOAuthSpec,
} from "./mod.ts";

const BASE = "https://mcp.example.com";

function cluster(issuers: string[], extra: Partial<OAuthClusterConfig> = {}): OAuthClusterConfig {
  return { ...OAUTH_DEFAULTS, issuers, audienceBase: BASE, requiredScopes: [], ...extra };
}

function settingsOf(
  c: OAuthClusterConfig,
  oauth: ServerOAuthSpec = { enabled: true },
): ServerOAuth {
  const r = resolveServerOAuth(c, { namespace: "ns", name: "srv", oauth });
  if (r.kind !== "enabled") throw new Error(`Cannot resolve OAuth settings: ${r.kind}`);
  return r.settings;
}

/** Runs `fn` against a fresh authorization server, the cluster trusting it, and server ns/srv. */
async function withOidc(
  extra: Partial<OAuthClusterConfig>,
  oauth: ServerOAuthSpec,
  fn: (oidc: OidcFixture, c: OAuthClusterConfig, s: ServerOAuth) => Promise<void>,
): Promise<void> {
  const oidc = await startOidcProvider();
  try {
    const c = cluster([oidc.issuer], extra);
    await fn(oidc, c, settingsOf(c, oauth));
  } finally {
    await oidc.close();
  }
}

const jwksFetches = (f: OidcFixture) => f.requests.filter((r) => r === "/jwks").length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function selfSigned(iss: string, aud: string, kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair("ES256");
  const now = Math.floor(Date.now() / 1000);
  return await new SignJWT({ sub: "x", iat: now, exp: now + 60 })
    .setProtectedHeader({ alg: "ES256", kid })
    .setIssuer(iss)
    .setAudience(aud)
    .sign(privateKey);
}

Deno.test("verify() maps claims to an oauth Caller with the configured claims and prefix", async () => {
  const extra = { usernameClaim: "client_id", prefix: "idp:" };
  await withOidc(extra, { enabled: true, scopes: ["mcp:tools"] }, async (oidc, c, s) => {
    const token = await oidc.token({ resource: s.resource, scope: "mcp:tools mcp:read" });
    const r = await createOAuthVerifier(c).verify(token, s);
    assert.ok(r.ok);
    assert.deepEqual(r.caller, {
      username: "idp:mcp-robot",
      groups: ["idp:mcp-users", "idp:team-a"],
      source: "oauth",
    });
    assert.deepEqual(r.scopes, ["mcp:tools", "mcp:read"]);
    assert.equal(r.issuer, oidc.issuer);
  });
});

Deno.test("verify() follows a key rotation: a new kid refetches the JWKS once the cooldown passed", async () => {
  await withOidc({}, { enabled: true }, async (oidc, c, s) => {
    const verifier = createOAuthVerifier(c, { cooldownMs: 200 });
    const before = await oidc.token({ resource: s.resource });
    assert.ok((await verifier.verify(before, s)).ok);
    assert.equal(jwksFetches(oidc), 1);

    const kid = await oidc.rotate();
    const after = await oidc.token({ resource: s.resource });
    assert.equal(decodeProtectedHeader(after).kid, kid);
    await sleep(250);
    assert.ok((await verifier.verify(after, s)).ok);
    assert.equal(jwksFetches(oidc), 2);
    assert.ok((await verifier.verify(before, s)).ok, "the old key is still published");
    assert.equal(jwksFetches(oidc), 2);
  });
});

Deno.test("verify() fetches the JWKS at most once per cooldown however many unknown kids arrive", async () => {
  await withOidc({}, { enabled: true }, async (oidc, c, s) => {
    const verifier = createOAuthVerifier(c, { cooldownMs: 60_000 });
    assert.ok((await verifier.verify(await oidc.token({ resource: s.resource }), s)).ok);
    for (let i = 0; i < 5; i++) {
      const r = await verifier.verify(await selfSigned(oidc.issuer, s.resource, `k${i}`), s);
      assert.equal(r.ok ? 200 : r.status, 401);
    }
    assert.equal(jwksFetches(oidc), 1);
  });
});

Deno.test("verify() never contacts an issuer the server does not trust", async () => {
  const [a, b, stranger] = await Promise.all([1, 2, 3].map(() => startOidcProvider()));
  try {
    const c = cluster([a.issuer, b.issuer]);
    const onlyA = settingsOf(c, { enabled: true, issuer: a.issuer });
    const verifier = createOAuthVerifier(c);
    for (const f of [b, stranger]) {
      const r = await verifier.verify(await f.token({ resource: onlyA.resource }), onlyA);
      assert.ok(!r.ok && r.status === 401);
      assert.match(r.wwwAuthenticate, /error_description="The access token issuer is not trusted"/);
      assert.deepEqual(f.requests, ["/token"], "no discovery, no JWKS");
    }
    const r = await verifier.verify(await b.token({ resource: onlyA.resource }), settingsOf(c));
    assert.ok(r.ok, "without the server's restriction every cluster issuer is trusted");
  } finally {
    await Promise.all([a, b, stranger].map((f) => f.close()));
  }
});

Deno.test("verify() answers 503 when the issuer cannot be reached, and does not retry within the cooldown", async () => {
  const dead = "http://127.0.0.1:1";
  const c = cluster([dead]);
  const s = settingsOf(c);
  const verifier = createOAuthVerifier(c, { timeoutMs: 1_000, cooldownMs: 60_000 });
  const token = await selfSigned(dead, s.resource, "k");
  const first = await verifier.verify(token, s);
  assert.ok(!first.ok && first.status === 503);
  assert.match(first.reason, /^Cannot discover issuer "http:\/\/127\.0\.0\.1:1"/);
  const second = await verifier.verify(token, s);
  assert.ok(!second.ok && second.status === 503);
  assert.match(second.reason, /cooling down/);
});

Deno.test("oauthChallenge() is the no-token challenge, or invalid_token with a description", () => {
  const s = settingsOf(cluster(["https://idp.example.com"], { requiredScopes: ["mcp"] }));
  const meta = `resource_metadata="${s.metadataUrl}", scope="mcp"`;
  assert.equal(oauthChallenge(s), `Bearer ${meta}`);
  assert.equal(
    oauthChallenge(s, { description: "The token was refused" }),
    `Bearer ${meta}, error="invalid_token", error_description="The token was refused"`,
  );
});

Deno.test("peekIssuer() reads iss only from JWTs with an allowed algorithm", async () => {
  const token = await selfSigned("https://idp.example.com", "x", "k");
  assert.equal(peekIssuer(token), "https://idp.example.com");
  const none = `${btoa('{"alg":"none"}')}.${btoa('{"iss":"https://idp.example.com"}')}.`;
  assert.equal(peekIssuer(none), undefined);
  assert.equal(peekIssuer("opaque-token"), undefined);
});

Deno.test("bearerToken() takes the token of a Bearer header only", () => {
  const cases: [string | null, string | undefined][] = [
    ["Bearer abc.def-ghi_~+/=", "abc.def-ghi_~+/="],
    ["bearer abc", "abc"],
    ["Basic abc", undefined],
    ["Bearer", undefined],
    ["Bearer a b", undefined],
    [null, undefined],
  ];
  for (const [header, want] of cases) assert.equal(bearerToken(header), want, String(header));
});
