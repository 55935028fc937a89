import assert from "node:assert/strict";
import {
  checkBearer,
  checkHost,
  checkOrigin,
  defaultAllowedHosts,
  guard,
  hostnameOf,
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
});

Deno.test("checkBearer() needs the exact token when one is set", () => {
  assert.ok(checkBearer(null, null).ok);
  assert.ok(checkBearer("Bearer s3cret", "s3cret").ok);
  assert.ok(!checkBearer("Bearer s3cre", "s3cret").ok);
  assert.ok(!checkBearer(null, "s3cret").ok);
});

Deno.test("guard() answers 401 with WWW-Authenticate", async () => {
  const req = new Request("http://localhost/mcp", { headers: { host: "localhost" } });
  const res = guard(req, { allowedOrigins: null, allowedHosts: ["localhost"], token: "t" });
  assert.equal(res?.status, 401);
  assert.match(res?.headers.get("www-authenticate") ?? "", /^Bearer/);
  await res?.body?.cancel();
});
