/**
 * MCP authorization end to end: a real authorization server (`oidc-provider`), a loopback
 * resource server doing what the router does (RFC 9728 metadata, 401/403 challenges, JWT
 * validation) in front of a real SDK `McpServer`, and the SDK client's own OAuth support
 * discovering the issuer from the 401 and calling a tool. Every refusal asserts the exact
 * status and `WWW-Authenticate`.
 */

import assert from "node:assert/strict";
import { generateKeyPair, SignJWT } from "jose";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/auth-extensions"
import { ClientCredentialsProvider } from "@modelcontextprotocol/sdk/client/auth-extensions.js";
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import type { Caller } from "../../../lib/caller.ts";
import {
  ALG,
  CLIENT_ID,
  CLIENT_SECRET,
  type OidcFixture,
  startOidcProvider,
} from "../../../tests/fixtures/oidc/provider.ts";
import {
  bearerToken,
  createOAuthVerifier,
  metadataResponse,
  OAUTH_DEFAULTS,
  type OAuthClusterConfig,
  type OAuthVerifier,
  parseMetadataPath,
  refusalResponse,
  resolveServerOAuth,
  type ServerOAuth,
} from "./mod.ts";

const NS = "team-a";
const NAME = "echo";

function mcpFor(caller: Caller): McpServer {
  const server = new McpServer({ name: "echo", version: "1.0.0" });
  server.registerTool("whoami", { description: "Names the caller" }, () => ({
    content: [{ type: "text", text: `${caller.username} ${caller.groups.join(",")}` }],
  }));
  return server;
}

interface ResourceServer {
  base: string;
  settings: ServerOAuth;
  requests: string[];
  close(): Promise<void>;
}

/** What the router does: metadata route, then bearer token → verify → 401/403/503 or MCP. */
function startResourceServer(cluster: () => OAuthClusterConfig, verifier: OAuthVerifier) {
  const requests: string[] = [];
  const settingsFor = (namespace: string, name: string) => {
    const r = resolveServerOAuth(cluster(), { namespace, name, oauth: { enabled: true } });
    if (r.kind !== "enabled") throw new Error(`Cannot resolve OAuth: ${r.kind}`);
    return r.settings;
  };
  const handler = async (req: Request): Promise<Response> => {
    const url = new URL(req.url);
    requests.push(`${req.method} ${url.pathname}`);
    const meta = parseMetadataPath(url.pathname);
    if (meta) {
      const settings = settingsFor(meta.namespace, meta.name);
      return metadataResponse(settings, { method: req.method, resourceName: "echo" });
    }
    const m = /^\/servers\/([^/]+)\/([^/]+)\/mcp$/.exec(url.pathname);
    if (!m) return new Response("not found", { status: 404 });
    // Stateless: no standalone SSE stream, so nothing outlives its request.
    if (req.method === "GET") {
      return new Response(null, { status: 405, headers: { allow: "POST" } });
    }
    const token = bearerToken(req.headers.get("authorization"));
    const result = await verifier.verify(token, settingsFor(m[1], m[2]));
    if (!result.ok) return refusalResponse(result);
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    });
    await mcpFor(result.caller).connect(transport);
    return await transport.handleRequest(req);
  };
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handler);
  const base = `http://127.0.0.1:${server.addr.port}`;
  return {
    base,
    requests,
    settings: () => settingsFor(NS, NAME),
    close: () => server.shutdown(),
  };
}

async function setUp(): Promise<{ oidc: OidcFixture; rs: ResourceServer }> {
  const oidc = await startOidcProvider();
  let base = "";
  const cluster = (): OAuthClusterConfig => ({
    ...OAUTH_DEFAULTS,
    issuers: [oidc.issuer],
    audienceBase: base,
    requiredScopes: ["mcp:tools"],
    clockToleranceSeconds: 2,
  });
  const started = startResourceServer(cluster, createOAuthVerifier({ issuers: [oidc.issuer] }));
  base = started.base;
  const rs = { ...started, settings: started.settings() };
  return {
    oidc,
    rs: { ...rs, close: async () => await Promise.all([started.close(), oidc.close()]).then() },
  };
}

async function sdkClient(rs: ResourceServer, oidc: OidcFixture, scope: string): Promise<Client> {
  const authProvider = new ClientCredentialsProvider({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    scope,
    expectedIssuer: oidc.issuer,
  });
  const transport = new StreamableHTTPClientTransport(new URL(rs.settings.resource), {
    authProvider,
  });
  const client = new Client({ name: "oauth-test", version: "1.0.0" });
  await client.connect(transport);
  return client;
}

Deno.test("the SDK client discovers the issuer from the 401, gets a JWT for the resource and calls a tool", async () => {
  const { oidc, rs } = await setUp();
  try {
    const client = await sdkClient(rs, oidc, "mcp:tools");
    const res = await client.callTool({ name: "whoami", arguments: {} }).finally(() =>
      client.close()
    );
    assert.deepEqual(res.content, [{
      type: "text",
      text: `oidc:${CLIENT_ID} oidc:mcp-users,oidc:team-a`,
    }]);
    const metadataPath = `/.well-known/oauth-protected-resource/servers/${NS}/${NAME}/mcp`;
    assert.deepEqual(rs.requests.slice(0, 2), [
      `POST /servers/${NS}/${NAME}/mcp`,
      `GET ${metadataPath}`,
    ]);
    assert.deepEqual(oidc.requests.includes("/token"), true);
    assert.match(
      oidc.requests.join(" "),
      /\/\.well-known\/(oauth-authorization-server|openid-configuration)/,
    );
  } finally {
    await rs.close();
  }
});

Deno.test("the SDK client holding too narrow a scope is refused with 403 after trying to step up", async () => {
  const { oidc, rs } = await setUp();
  try {
    await assert.rejects(sdkClient(rs, oidc, "mcp:read"), (err: Error & { code?: number }) => {
      assert.equal(err.code, 403);
      return true;
    });
    const posts = rs.requests.filter((r) => r.startsWith("POST")).length;
    assert.equal(posts, 3, "the first try, then one retry with a token, then one step-up retry");
  } finally {
    await rs.close();
  }
});

async function challenge(rs: ResourceServer, token?: string): Promise<[number, string | null]> {
  const res = await fetch(rs.settings.resource, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...(token !== undefined ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "ping" }),
    signal: AbortSignal.timeout(10_000),
  });
  await res.body?.cancel();
  return [res.status, res.headers.get("www-authenticate")];
}

function invalidToken(rs: ResourceServer, description: string): [number, string] {
  return [
    401,
    `Bearer resource_metadata="${rs.settings.metadataUrl}", scope="mcp:tools", ` +
    `error="invalid_token", error_description="${description}"`,
  ];
}

function b64url(value: unknown): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

async function forged(oidc: OidcFixture, rs: ResourceServer, header: Record<string, string>) {
  const now = Math.floor(Date.now() / 1000);
  const claims = { sub: "mallory", scope: "mcp:tools", iat: now, exp: now + 300 };
  const jwt = new SignJWT(claims).setIssuer(oidc.issuer).setAudience(rs.settings.resource);
  if (header.alg === "HS256") {
    return await jwt.setProtectedHeader({ alg: "HS256" }).sign(new Uint8Array(32).fill(7));
  }
  const { privateKey } = await generateKeyPair(ALG);
  return await jwt.setProtectedHeader({ alg: ALG, ...header }).sign(privateKey);
}

Deno.test("refusals carry the spec's status and exact WWW-Authenticate", async (t) => {
  const { oidc, rs } = await setUp();
  try {
    await t.step("no token: 401 pointing at the metadata, with the scope", async () => {
      assert.deepEqual(await challenge(rs), [
        401,
        `Bearer resource_metadata="${rs.settings.metadataUrl}", scope="mcp:tools"`,
      ]);
    });
    await t.step("the metadata document names the resource, the issuer and the scope", async () => {
      const res = await fetch(rs.settings.metadataUrl, { signal: AbortSignal.timeout(10_000) });
      assert.deepEqual(await res.json(), {
        resource: `${rs.base}/servers/${NS}/${NAME}/mcp`,
        authorization_servers: [oidc.issuer],
        scopes_supported: ["mcp:tools"],
        bearer_methods_supported: ["header"],
        resource_name: "echo",
      });
    });
    await t.step("a valid token passes", async () => {
      const token = await oidc.token({ resource: rs.settings.resource, scope: "mcp:tools" });
      assert.deepEqual(await challenge(rs, token), [200, null]);
    });
    await t.step("wrong audience (another server's resource): 401 invalid_token", async () => {
      const other = rs.settings.resource.replace(`/${NAME}/`, "/other/");
      const token = await oidc.token({ resource: other, scope: "mcp:tools" });
      assert.deepEqual(
        await challenge(rs, token),
        invalidToken(rs, "The access token is not for this resource"),
      );
    });
    await t.step("missing scope: 403 insufficient_scope naming the scope", async () => {
      const token = await oidc.token({ resource: rs.settings.resource, scope: "mcp:read" });
      assert.deepEqual(await challenge(rs, token), [
        403,
        `Bearer resource_metadata="${rs.settings.metadataUrl}", scope="mcp:tools", ` +
        `error="insufficient_scope", error_description="The access token lacks scope mcp:tools"`,
      ]);
    });
    await t.step("signed by another key under the issuer's kid: 401", async () => {
      const token = await forged(oidc, rs, { kid: oidc.kids()[0] });
      assert.deepEqual(
        await challenge(rs, token),
        invalidToken(rs, "The access token signature is invalid"),
      );
    });
    await t.step("signed by another key with an unknown kid: 401", async () => {
      const token = await forged(oidc, rs, { kid: "attacker-key" });
      assert.deepEqual(
        await challenge(rs, token),
        invalidToken(rs, "The access token signature is invalid"),
      );
    });
    await t.step("alg none and HS256: 401, no key fetched for them", async () => {
      const now = Math.floor(Date.now() / 1000);
      const payload = {
        iss: oidc.issuer,
        aud: rs.settings.resource,
        sub: "mallory",
        scope: "mcp:tools",
        exp: now + 300,
      };
      const none = `${b64url({ alg: "none", typ: "JWT" })}.${b64url(payload)}.`;
      const expected = invalidToken(rs, "The access token algorithm is not allowed");
      const fetched = oidc.requests.length;
      assert.deepEqual(await challenge(rs, none), expected);
      assert.deepEqual(await challenge(rs, await forged(oidc, rs, { alg: "HS256" })), expected);
      assert.equal(oidc.requests.length, fetched);
    });
    await t.step("a garbage token: 401 malformed", async () => {
      assert.deepEqual(
        await challenge(rs, "not-a-jwt"),
        invalidToken(rs, "The access token is malformed"),
      );
    });
    await t.step("expired: accepted within the 2 s tolerance, then 401", async () => {
      const token = await oidc.token({
        resource: rs.settings.resource,
        scope: "mcp:tools",
        ttlSeconds: 1,
      });
      const exp = JSON.parse(atob(token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/"))).exp;
      const sleepUntil = (ms: number) =>
        new Promise((r) => setTimeout(r, Math.max(0, Math.min(5_000, ms - Date.now()))));
      await sleepUntil(exp * 1000 + 200);
      assert.deepEqual((await challenge(rs, token))[0], 200);
      await sleepUntil((exp + 2) * 1000 + 200);
      assert.deepEqual(await challenge(rs, token), invalidToken(rs, "The access token expired"));
    });
  } finally {
    await rs.close();
  }
});
