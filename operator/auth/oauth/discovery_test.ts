import assert from "node:assert/strict";
import { checkIssuerMetadata, discoverIssuer, discoveryUrls } from "./discovery.ts";

Deno.test("discoveryUrls() follows RFC 8414 insertion, then OpenID insertion and appending", () => {
  assert.deepEqual(discoveryUrls("https://idp.example.com/tenant/"), [
    "https://idp.example.com/.well-known/oauth-authorization-server/tenant",
    "https://idp.example.com/.well-known/openid-configuration/tenant",
    "https://idp.example.com/tenant/.well-known/openid-configuration",
  ]);
  assert.deepEqual(discoveryUrls("https://idp.example.com"), [
    "https://idp.example.com/.well-known/oauth-authorization-server",
    "https://idp.example.com/.well-known/openid-configuration",
  ]);
});

Deno.test("checkIssuerMetadata() wants the same issuer and a fetchable jwks_uri", () => {
  const iss = "https://idp.example.com";
  assert.deepEqual(checkIssuerMetadata(iss, { issuer: iss, jwks_uri: `${iss}/keys` }), {
    issuer: iss,
    jwksUri: `${iss}/keys`,
  });
  const cases: [unknown, string][] = [
    [
      { issuer: "https://evil.example.com", jwks_uri: `${iss}/keys` },
      `Cannot use metadata of issuer "${iss}": it names issuer "https://evil.example.com"`,
    ],
    [{ issuer: iss }, `Cannot use metadata of issuer "${iss}": no jwks_uri`],
    [
      { issuer: iss, jwks_uri: "http://10.0.0.1/keys" },
      'Cannot use jwks_uri "http://10.0.0.1/keys": https is required except on loopback hosts',
    ],
    [null, `Cannot use metadata of issuer "${iss}": it names issuer "undefined"`],
  ];
  for (const [doc, message] of cases) {
    assert.throws(() => checkIssuerMetadata(iss, doc), { message });
  }
});

/** A loopback server answering each path from `routes`; records the paths asked. */
function serve(routes: (base: string) => Record<string, () => Response | Promise<Response>>) {
  const seen: string[] = [];
  let table: Record<string, () => Response | Promise<Response>> = {};
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    const path = new URL(req.url).pathname;
    seen.push(path);
    return table[path]?.() ?? new Response("no", { status: 404 });
  });
  const base = `http://127.0.0.1:${server.addr.port}`;
  table = routes(base);
  return { base, seen, close: () => server.shutdown() };
}

Deno.test("discoverIssuer() tries the well-known URLs in order and follows no redirect", async () => {
  const s = serve((base) => ({
    "/.well-known/oauth-authorization-server/tenant": () =>
      Response.redirect("http://127.0.0.1:1/elsewhere", 302),
    "/tenant/.well-known/openid-configuration": () =>
      Response.json({ issuer: `${base}/tenant`, jwks_uri: `${base}/tenant/keys` }),
  }));
  try {
    assert.deepEqual(await discoverIssuer(`${s.base}/tenant`), {
      issuer: `${s.base}/tenant`,
      jwksUri: `${s.base}/tenant/keys`,
    });
    assert.deepEqual(s.seen, [
      "/.well-known/oauth-authorization-server/tenant",
      "/.well-known/openid-configuration/tenant",
      "/tenant/.well-known/openid-configuration",
    ]);
  } finally {
    await s.close();
  }
});

Deno.test("discoverIssuer() refuses oversized documents and gives up within its timeout", async () => {
  let release = () => {};
  const stalled = new Promise<Response>((r) => release = () => r(new Response("late")));
  const s = serve(() => ({
    "/.well-known/oauth-authorization-server": () => new Response("x".repeat(300 * 1024)),
    "/.well-known/openid-configuration": () => stalled,
  }));
  try {
    const started = Date.now();
    await assert.rejects(discoverIssuer(s.base, { timeoutMs: 300 }), (err: Error) => {
      assert.match(err.message, /^Cannot discover issuer "http:\/\/127\.0\.0\.1:\d+": /);
      assert.match(err.message, /oauth-authorization-server: document larger than 262144 bytes/);
      assert.match(err.message, /openid-configuration: .*(timed out|abort)/i);
      return true;
    });
    assert.ok(Date.now() - started < 3_000, "bounded by the timeout");
  } finally {
    release();
    await s.close();
  }
});
