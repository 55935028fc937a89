import assert from "node:assert/strict";
import { accessFor, resourceVerb } from "./access.ts";
import { forbiddenMessage } from "./status.ts";

Deno.test("accessFor() maps every route to what it must be allowed to do", () => {
  assert.deepEqual(accessFor("GET", "/healthz"), { route: "health" });
  assert.deepEqual(accessFor("GET", "/readyz"), { route: "health" });
  assert.deepEqual(accessFor("GET", "/.well-known/oauth-protected-resource/servers/a/b/mcp"), {
    route: "wellknown",
  });
  assert.deepEqual(accessFor("DELETE", "/servers/a%2Fb/c/sse"), {
    route: "router",
    server: { namespace: "a/b", name: "c", rest: "/sse", prefix: "/servers/a%2Fb/c" },
    attributes: {
      kind: "resource",
      verb: "get",
      group: "nmcp.nwrx.io",
      resource: "mcpservers",
      subresource: "connect",
      namespace: "a/b",
      name: "c",
    },
  });
  for (const path of ["/servers/a", "/servers/%E0/b/mcp", "/api/v1/servers/a/b/c/d", "/x"]) {
    const a = accessFor("POST", path);
    assert.equal(a.route, "other", path);
    assert.deepEqual(a.attributes, { kind: "nonResource", verb: "post", path });
  }
  for (const rest of ["/sse", "/message", "/mcp"]) {
    const unified = accessFor("POST", `/api/v1/servers/ctx%207${rest}`, {
      namespace: "team-a",
    });
    assert.equal(unified.route, "router");
    assert.deepEqual(unified.server, {
      namespace: "team-a",
      name: "ctx 7",
      rest,
      prefix: "/api/v1/servers/ctx%207",
    });
    assert.deepEqual(unified.attributes, {
      kind: "resource",
      verb: "get",
      group: "nmcp.nwrx.io",
      resource: "mcpservers",
      subresource: "connect",
      namespace: "team-a",
      name: "ctx 7",
    });
  }
  assert.equal(accessFor("GET", "/api/v1/servers/ev/sse").server?.namespace, "default");
  assert.equal(accessFor("GET", "/api/v1/servers/ev/sse/x").route, "other");
  assert.deepEqual(accessFor("HEAD", "/metrics").attributes, {
    kind: "nonResource",
    verb: "get",
    path: "/metrics",
  });
  const gw = accessFor("GET", "/api/v1/namespaces/team-a/servers/ev/metrics");
  assert.equal(gw.api?.gatewayMetrics, true);
  assert.deepEqual(gw.attributes, {
    kind: "resource",
    verb: "get",
    group: "nmcp.nwrx.io",
    resource: "mcpservers",
    subresource: "metrics",
    namespace: "team-a",
    name: "ev",
  });
  assert.equal(accessFor("GET", "/api/v1/namespaces/team-a/pools/p/metrics").route, "other");
});

Deno.test("resourceVerb() follows the API server's verbs", () => {
  const table: [string, boolean, string][] = [
    ["GET", false, "list"],
    ["HEAD", true, "get"],
    ["POST", false, "create"],
    ["PUT", true, "update"],
    ["PATCH", true, "patch"],
    ["DELETE", true, "delete"],
    ["DELETE", false, "deletecollection"],
    ["OPTIONS", false, "options"],
  ];
  for (const [m, named, verb] of table) assert.equal(resourceVerb(m, named), verb, m);
});

Deno.test("forbiddenMessage() appends the authorizer's reason like the API server", () => {
  const attrs = accessFor("GET", "/servers/ns/x/mcp").attributes!;
  assert.equal(
    forbiddenMessage(attrs, "bob", "no RBAC policy matched"),
    'mcpservers.nmcp.nwrx.io "x" is forbidden: User "bob" cannot get resource "mcpservers/connect" in API group "nmcp.nwrx.io" in the namespace "ns": no RBAC policy matched',
  );
});
