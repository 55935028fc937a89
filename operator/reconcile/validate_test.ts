import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import { imageAllowed, validateServer } from "./validate.ts";

Deno.test("imageAllowed() matches normalized references", () => {
  const table: [string, string[], boolean][] = [
    ["node", ["docker.io/library/node:latest"], true],
    ["docker.io/library/node:latest", ["node"], true],
    ["node:22", ["node"], false],
    ["node:22-alpine", ["node:22-*"], true],
    ["user/x", ["docker.io/user/x"], true],
    ["evil.io/library/node", ["node:*"], false],
    ["GHCR.io/acme/mcp-fs:1", ["ghcr.io/acme/*"], true],
    ["ghcr.io/acme/x@sha256:0f", ["ghcr.io/acme/x@sha256:*"], true],
    ["ghcr.io/acme/x@sha256:0f", ["ghcr.io/acme/x:*"], false],
    ["ghcr.io/acme/x:1@sha256:0f", ["ghcr.io/acme/x:1"], false],
    ["ghcr.io/acme/x:1@sha256:0f", ["ghcr.io/acme/x:1@*"], true],
    ["ghcr.io/other/x", ["ghcr.io/acme/*"], false],
    ["anything/at:all", ["*"], true],
    ["anything", [], true],
  ];
  for (const [image, list, want] of table) {
    assert.equal(imageAllowed(image, list), want, `${image} vs ${list}`);
  }
});

Deno.test("validateServer() refuses a tool rule that does not compile to bool", () => {
  const s = (expression: string): MCPServer => ({
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "s" },
    spec: { image: "i", tools: { rules: [{ expression: "true" }, { expression }] } },
  });
  assert.equal(validateServer(s('tool.name == "x"'), { allowlist: [] }), undefined);
  assert.deepEqual(validateServer(s("tool.name"), { allowlist: [] }), {
    reason: "InvalidToolPolicy",
    message: 'Cannot run MCPServer "s": spec.tools: Cannot compile tool policy rules[1] ' +
      '"tool.name": returns string, not bool',
  });
  assert.match(
    validateServer(s("tool.name =="), { allowlist: [] })!.message,
    /rules\[1\] "tool.name ==": Unexpected token: EOF/,
  );
});

Deno.test("validateServer() refuses OAuth the operator cannot serve: no issuer, or another one", () => {
  const s = (issuer?: string): MCPServer => ({
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "s", namespace: "team" },
    spec: { image: "i", auth: { oauth: { enabled: true, ...(issuer ? { issuer } : {}) } } },
  });
  const oauth = {
    issuers: ["https://id.example.com"],
    audienceBase: "https://mcp.example.com",
    requiredScopes: [],
    usernameClaim: "sub",
    groupsClaim: "groups",
    prefix: "oidc:",
    clockToleranceSeconds: 30,
  };
  assert.match(validateServer(s(), { allowlist: [] })!.message, /no OAuth issuer configured/);
  assert.equal(validateServer(s(), { allowlist: [], oauth }), undefined);
  assert.equal(validateServer(s("https://id.example.com"), { allowlist: [], oauth }), undefined);
  assert.deepEqual(validateServer(s("https://evil.example.com"), { allowlist: [], oauth }), {
    reason: "InvalidAuth",
    message: 'Cannot enable OAuth for MCPServer "team/s": issuer "https://evil.example.com" is ' +
      "not one of the operator's issuers (https://id.example.com)",
  });
});
