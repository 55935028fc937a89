import assert from "node:assert/strict";
import { normalizedImageNames, normalizeImagePattern, parseImageRef } from "./reference.ts";

Deno.test("normalizedImageNames() spells out Docker's defaults, digests and registry case", () => {
  assert.deepEqual(normalizedImageNames("x"), ["docker.io/library/x:latest"]);
  assert.deepEqual(normalizedImageNames("user/x"), ["docker.io/user/x:latest"]);
  assert.deepEqual(normalizedImageNames("index.docker.io/user/x:1"), ["docker.io/user/x:1"]);
  assert.deepEqual(normalizedImageNames("GHCR.IO/acme/x:2"), ["ghcr.io/acme/x:2"]);
  assert.deepEqual(normalizedImageNames("x@sha256:ab"), ["docker.io/library/x@sha256:ab"]);
  assert.deepEqual(normalizedImageNames("localhost:5000/x:1@sha256:ab"), [
    "localhost:5000/x@sha256:ab",
    "localhost:5000/x:1@sha256:ab",
  ]);
});

Deno.test("normalizeImagePattern() normalizes globs like images, keeping registry globs", () => {
  assert.equal(normalizeImagePattern("x"), "docker.io/library/x:latest");
  assert.equal(normalizeImagePattern("node:*"), "docker.io/library/node:*");
  assert.equal(normalizeImagePattern("mcp/*"), "docker.io/mcp/*");
  assert.equal(normalizeImagePattern("Ghcr.io/acme/*"), "ghcr.io/acme/*");
  assert.equal(normalizeImagePattern("x@sha256:*"), "docker.io/library/x@sha256:*");
  assert.equal(normalizeImagePattern("*"), "*");
  assert.equal(normalizeImagePattern("*.ACME.io/team/*"), "*.acme.io/team/*");
});

Deno.test("parseImageRef() treats an upper-case first component as a registry, lower-cased", () => {
  assert.deepEqual(parseImageRef("Registry.Local/a/b:1"), {
    registry: "registry.local",
    repository: "a/b",
    reference: "1",
  });
  assert.deepEqual(parseImageRef("docker.io/x"), {
    registry: "registry-1.docker.io",
    repository: "library/x",
    reference: "latest",
  });
});
