/**
 * MCP authorization through the real operator: an `oidc-provider` authorization server on
 * loopback, the operator trusting it (`--oauth-issuer`, `--public-url`), an MCPServer enabling
 * `spec.auth.oauth` with a required scope, and the MCP SDK client's own OAuth support finding the
 * issuer from the router's 401 and calling a tool. The caller the gateway sees is the JWT's
 * subject (prefixed), authorized by RBAC like any user; wrong audience and missing scope are
 * refused with the spec's status and header.
 */

import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/auth-extensions"
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
import { userClusterRoles } from "../../lib/install/rbac.ts";
import { CLIENT_ID, CLIENT_SECRET, startOidcProvider } from "../fixtures/oidc/provider.ts";
import { everything, INITIALIZE, MCP_HEADERS, startOperatorEnv } from "./operator_env.ts";

Deno.test("an OAuth client discovers the issuer from the router's 401 and calls a tool as its JWT subject", async () => {
  const oidc = await startOidcProvider();
  const e = await startOperatorEnv();
  try {
    const op = await e.startOperator((url) => [
      `--oauth-issuer=${oidc.issuer}`,
      `--public-url=${url}`,
    ]);
    const server = JSON.parse(everything("echo"));
    server.spec.auth = { oauth: { enabled: true, scopes: ["mcp:tools"] } };
    // Only the JWT's subject may call `echo`, and the tool policy sees it as the caller.
    server.spec.tools = { rules: [{ expression: 'caller.username == "oidc:mcp-robot"' }] };
    await e.k(["apply", "-f", "-"], JSON.stringify(server));
    const roles = userClusterRoles().map((o) => JSON.stringify(o)).join("\n");
    await e.k(["apply", "--server-side", "-f", "-"], roles);
    await e.k([
      "create",
      "rolebinding",
      "robot-connects",
      "--clusterrole=nmcp-user",
      `--user=oidc:${CLIENT_ID}`,
    ]);
    const resource = `${op.url}/servers/default/echo/mcp`;
    const metadata = `${op.url}/.well-known/oauth-protected-resource/servers/default/echo/mcp`;

    // The challenge and the RFC 9728 document, unauthenticated.
    const bare = await fetch(resource, { method: "POST", headers: MCP_HEADERS, body: INITIALIZE });
    await bare.body?.cancel();
    assert.equal(bare.status, 401);
    assert.equal(
      bare.headers.get("www-authenticate"),
      `Bearer resource_metadata="${metadata}", scope="mcp:tools"`,
    );
    const doc = await (await fetch(metadata)).json();
    assert.equal(doc.resource, resource);
    assert.deepEqual(doc.authorization_servers, [oidc.issuer]);

    // A token for another resource, and one without the scope, are refused as the spec says.
    const elsewhere = await oidc.token({
      resource: `${op.url}/servers/default/other/mcp`,
      scope: "mcp:tools",
    });
    const wrongAud = await fetch(resource, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${elsewhere}` },
      body: INITIALIZE,
    });
    await wrongAud.body?.cancel();
    assert.equal(wrongAud.status, 401);
    assert.match(wrongAud.headers.get("www-authenticate")!, /error="invalid_token"/);
    const narrow = await oidc.token({ resource, scope: "mcp:read" });
    const noScope = await fetch(resource, {
      method: "POST",
      headers: { ...MCP_HEADERS, authorization: `Bearer ${narrow}` },
      body: INITIALIZE,
    });
    await noScope.body?.cancel();
    assert.equal(noScope.status, 403);
    assert.match(noScope.headers.get("www-authenticate")!, /error="insufficient_scope"/);

    // The SDK client: 401 → metadata → issuer discovery → client_credentials with `resource`.
    const authProvider = new ClientCredentialsProvider({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      scope: "mcp:tools",
      expectedIssuer: oidc.issuer,
    });
    const client = new Client({ name: "oauth-router-test", version: "1.0.0" });
    await client.connect(new StreamableHTTPClientTransport(new URL(resource), { authProvider }), {
      timeout: 150_000,
    });
    try {
      const r = await client.callTool({ name: "echo", arguments: { message: "via oauth" } });
      assert.deepEqual(r.content, [{ type: "text", text: "Echo: via oauth" }]);
    } finally {
      await client.close();
    }
    assert.ok(oidc.requests.some((p) => p.startsWith("/token")), oidc.requests.join(" "));

    // Without the RoleBinding the same valid token is forbidden: RBAC decides, not the issuer.
    await e.k(["delete", "rolebinding", "robot-connects"]);
    const token = await oidc.token({ resource, scope: "mcp:tools" });
    let status = 0;
    for (let i = 0; i < 30 && status !== 403; i++) {
      const r = await fetch(resource, {
        method: "POST",
        headers: { ...MCP_HEADERS, authorization: `Bearer ${token}` },
        body: INITIALIZE,
      });
      await r.body?.cancel();
      status = r.status;
      if (status !== 403) await new Promise((res) => setTimeout(res, 500));
    }
    assert.equal(status, 403);
  } finally {
    await e.close();
    await oidc.close();
  }
});
