import assert from "node:assert/strict";
import { encodeCaller } from "../../lib/caller.ts";
import {
  ANONYMOUS_CALLER,
  authenticate,
  checkBearer,
  checkHost,
  checkOrigin,
  defaultAllowedHosts,
  guard,
  hostnameOf,
  isLoopbackPeer,
  LOCAL_CALLER,
  TOKEN_CALLER,
  unauthorized,
} from "./mod.ts";

Deno.test("checkOrigin() allows no Origin and loopback origins by default, else 403", () => {
  assert.ok(checkOrigin(null, null).ok);
  assert.ok(checkOrigin("http://localhost:3000", null).ok);
  assert.ok(checkOrigin("http://127.0.0.1", null).ok);
  const bad = checkOrigin("https://evil.example", null);
  assert.ok(!bad.ok && bad.status === 403);
  assert.ok(checkOrigin("https://app.example", ["https://app.example"]).ok);
  assert.ok(!checkOrigin("http://localhost", ["https://app.example"]).ok);
});

Deno.test("checkHost() compares the hostname without port against the list", () => {
  const hosts = defaultAllowedHosts("10.1.2.3");
  assert.ok(checkHost("localhost:8080", hosts).ok);
  assert.ok(checkHost("10.1.2.3:8080", hosts).ok);
  assert.ok(checkHost("[::1]:80", hosts).ok);
  assert.equal(hostnameOf("[::1]:80"), "[::1]");
  const bad = checkHost("evil.example:8080", hosts);
  assert.ok(!bad.ok && bad.status === 403);
  assert.ok(checkHost("anything", ["*"]).ok);
  assert.equal(hostnameOf("LocalHost:80"), "localhost");
});

Deno.test("checkHost() parses the Host per RFC 3986: [::1].evil.com is not [::1] (issue 13)", () => {
  const hosts = defaultAllowedHosts(undefined);
  for (
    const bad of ["[::1].evil.com", "[::1]evil:80", "localhost:80:80", "a@localhost", "", ":80"]
  ) {
    const c = checkHost(bad, hosts);
    assert.ok(!c.ok && c.status === 400 && /malformed/.test(c.message), bad);
  }
  assert.equal(hostnameOf("[::1].evil.com"), null);
  assert.equal(hostnameOf("[::1]:"), "[::1]");
  assert.ok(checkHost("[::1]", hosts).ok && checkHost("127.0.0.1:8080", hosts).ok);
  const evil = checkHost("localhost.evil.com", hosts);
  assert.ok(!evil.ok && evil.status === 403);
});

Deno.test("checkBearer() needs the exact token when one is set", () => {
  assert.ok(checkBearer(null, null).ok);
  assert.ok(checkBearer("Bearer s3cret", "s3cret").ok);
  assert.ok(!checkBearer("Bearer s3cre", "s3cret").ok);
  assert.ok(!checkBearer(null, "s3cret").ok);
});

Deno.test("guard() checks Host and Origin only; unauthorized() is a 401 with WWW-Authenticate", async () => {
  const opts = {
    allowedOrigins: null,
    allowedHosts: ["localhost"],
    token: "t",
    loopbackExempt: true,
  };
  const req = new Request("http://localhost/mcp", { headers: { host: "localhost" } });
  assert.equal(guard(req, opts), null);
  const evil = guard(new Request("http://evil/mcp", { headers: { host: "evil" } }), opts);
  assert.equal(evil?.status, 403);
  await evil?.body?.cancel();
  const res = unauthorized("Cannot accept request: missing or wrong bearer token");
  assert.equal(res.status, 401);
  assert.match(res.headers.get("www-authenticate") ?? "", /^Bearer/);
  assert.equal((await res.json()).error.code, -32000);
});

Deno.test("isLoopbackPeer() accepts 127.0.0.1, ::1 and v4-mapped 127.0.0.1 only", () => {
  for (const h of ["127.0.0.1", "::1", "[::1]", "::ffff:127.0.0.1", "::FFFF:7f00:1"]) {
    assert.ok(isLoopbackPeer(h), h);
  }
  // 127.0.1.x are other pods on a harness node; 10.x is the router; undefined: no socket.
  for (const h of ["127.0.1.2", "127.0.0.2", "10.0.0.7", "::ffff:10.0.0.7", "", undefined]) {
    assert.ok(!isLoopbackPeer(h), String(h));
  }
});

Deno.test("authenticate() needs the token except on loopback; trusts the caller header only with it", () => {
  const alice = { username: "alice", groups: ["dev"], source: "kubernetes" as const };
  const header = encodeCaller(alice);
  const base = {
    token: "s3cret",
    authorization: null,
    callerHeader: header,
    loopbackExempt: false,
  };
  const refused = authenticate(base);
  assert.ok(!refused.ok && /bearer token/.test(refused.message));
  assert.deepEqual(authenticate({ ...base, loopbackExempt: true }), {
    ok: true,
    caller: LOCAL_CALLER,
    verified: false,
  });
  assert.deepEqual(authenticate({ ...base, authorization: "Bearer s3cret" }), {
    ok: true,
    caller: alice,
    verified: true,
  });
  const noHeader = authenticate({ ...base, authorization: "Bearer s3cret", callerHeader: "%%" });
  assert.deepEqual(noHeader, { ok: true, caller: TOKEN_CALLER, verified: false });
  const wrong = authenticate({ ...base, authorization: "Bearer nope" });
  assert.equal(wrong.ok, false);
  const open = authenticate({ ...base, token: null });
  assert.deepEqual(open, { ok: true, caller: ANONYMOUS_CALLER, verified: false });
});
