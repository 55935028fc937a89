import assert from "node:assert/strict";
import { decodeCaller } from "../../lib/caller.ts";
import { allowAnonymous } from "../auth/authn.ts";
import { allowAll } from "../auth/kubernetes.ts";
import { ALICE, req, startBed } from "./_http_testing.ts";

const UNAUTHORIZED = {
  kind: "Status",
  apiVersion: "v1",
  metadata: {},
  status: "Failure",
  message: "Unauthorized",
  reason: "Unauthorized",
  code: 401,
};

Deno.test("no token or a bad token gets 401 with a Bearer challenge and a Status", async () => {
  const bed = await startBed({ allow: () => true });
  try {
    for (const token of [null, "not-a-token"]) {
      for (const path of ["/servers/team-a/ev/mcp", "/api/v1/servers", "/metrics", "/nope"]) {
        const res = await bed.handle(req("POST", path, { token }));
        assert.equal(res.status, 401, `${path} with ${token}`);
        assert.equal(res.headers.get("www-authenticate"), 'Bearer realm="nmcp"');
        assert.deepEqual(await res.json(), UNAUTHORIZED);
      }
    }
    const basic = await bed.handle(req("GET", "/metrics", {
      token: null,
      headers: { authorization: "Basic YTpi" },
    }));
    assert.equal(basic.status, 401);
    await basic.body?.cancel();
    assert.equal(bed.reviews.tokenReviews, 1, "the bad token was reviewed once, then cached");
    assert.equal(bed.reviews.accessReviews.length, 0);
    assert.equal(bed.seen.length, 0, "nothing reached the gateway");
    assert.equal((await bed.handle(req("GET", "/healthz", { token: null }))).status, 200);
    const meta = "/.well-known/oauth-protected-resource/servers/team-a/ev/mcp";
    const wk = await bed.handle(req("GET", meta, { token: null }));
    assert.equal(wk.status, 404, "discovery is public; nothing serves it unless wired");
    await wk.body?.cancel();
  } finally {
    await bed.close();
  }
});

Deno.test("another namespace gets 403 worded like the API server, whether the server exists or not", async () => {
  const bed = await startBed({ allow: (s) => s.resourceAttributes?.namespace === "team-a" });
  try {
    for (const name of ["ev", "missing"]) {
      const res = await bed.handle(req("POST", `/servers/team-b/${name}/mcp`));
      assert.equal(res.status, 403);
      const body = await res.json();
      assert.equal(
        body.message,
        `mcpservers.nmcp.nwrx.io "${name}" is forbidden: User "alice" cannot get resource "mcpservers/connect" in API group "nmcp.nwrx.io" in the namespace "team-b"`,
      );
      assert.deepEqual(
        [body.kind, body.reason, body.code, body.details],
        ["Status", "Forbidden", 403, { group: "nmcp.nwrx.io", kind: "mcpservers", name }],
      );
    }
    assert.deepEqual(bed.reviews.accessReviews[0], {
      user: "alice",
      uid: "alice-uid",
      groups: ["devs", "system:authenticated"],
      resourceAttributes: {
        verb: "get",
        group: "nmcp.nwrx.io",
        resource: "mcpservers",
        subresource: "connect",
        namespace: "team-b",
        name: "ev",
      },
    });
    assert.equal(bed.seen.length, 0);
  } finally {
    await bed.close();
  }
});

Deno.test("an allowed caller is proxied with the server's token in place of its own credentials", async () => {
  const bed = await startBed({ allow: () => true });
  try {
    const forged = btoa(JSON.stringify({ username: "root", groups: [], source: "local" }));
    const res = await bed.handle(req("POST", "/servers/team-a/ev/mcp?x=1", {
      headers: {
        cookie: "session=secret",
        "proxy-authorization": "Basic c2VjcmV0",
        "x-nmcp-caller": forged,
        "content-type": "application/json",
        "mcp-session-id": "s1",
      },
      body: '{"jsonrpc":"2.0","id":1,"method":"ping"}',
    }));
    assert.equal(res.status, 200);
    assert.deepEqual(await res.json(), { jsonrpc: "2.0", id: 1, result: {} });
    assert.equal(bed.seen.length, 1);
    const { path, headers, body } = bed.seen[0];
    assert.equal(path, "/mcp");
    assert.equal(body, '{"jsonrpc":"2.0","id":1,"method":"ping"}');
    assert.equal(headers.get("authorization"), `Bearer ${await bed.tokenOf("uid-team-a-ev")}`);
    assert.deepEqual(decodeCaller(headers.get("x-nmcp-caller")), {
      username: "alice",
      uid: "alice-uid",
      groups: ["devs", "system:authenticated"],
      source: "kubernetes",
    });
    assert.equal(headers.get("cookie"), null);
    assert.equal(headers.get("proxy-authorization"), null);
    assert.equal(headers.get("mcp-session-id"), "s1");
    assert.equal(headers.get("x-forwarded-prefix"), "/servers/team-a/ev");
    const logged = bed.logs.join("\n");
    assert.match(logged, /"user":"alice"/);
    assert.doesNotMatch(logged, new RegExp(ALICE), "the caller's token is never logged");
  } finally {
    await bed.close();
  }
});

Deno.test("the router forwards only /mcp, /sse and /message", async () => {
  const bed = await startBed({ allow: () => true });
  try {
    for (const rest of ["activity", "metrics", "healthz", "readyz", "mcp/x", "sse/../activity"]) {
      const res = await bed.handle(req("GET", `/servers/team-a/ev/${rest}`));
      assert.equal(res.status, 404, rest);
      await res.body?.cancel();
    }
    assert.equal(bed.seen.length, 0);
    for (const rest of ["sse", "message"]) {
      const res = await bed.handle(req("POST", `/servers/team-a/ev/${rest}`, { body: "{}" }));
      assert.equal(res.status, 200, rest);
      await res.body?.cancel();
    }
    assert.deepEqual(bed.seen.map((s) => s.path), ["/sse", "/message"]);
  } finally {
    await bed.close();
  }
});

Deno.test("--auth none admits everyone as system:anonymous and still uses the server token", async () => {
  const bed = await startBed({ auth: { authenticators: [allowAnonymous], authorizer: allowAll } });
  try {
    const res = await bed.handle(
      req("POST", "/servers/team-b/ev/mcp", { token: null, body: "{}" }),
    );
    assert.equal(res.status, 200);
    await res.body?.cancel();
    const h = bed.seen[0].headers;
    assert.equal(h.get("authorization"), `Bearer ${await bed.tokenOf("uid-team-b-ev")}`);
    assert.equal(decodeCaller(h.get("x-nmcp-caller"))?.username, "system:anonymous");
    assert.equal(bed.reviews.tokenReviews + bed.reviews.accessReviews.length, 0);
  } finally {
    await bed.close();
  }
});

Deno.test("decisions and requests are counted by route, code, decision and source", async () => {
  const bed = await startBed({ allow: (s) => s.resourceAttributes?.namespace === "team-a" });
  try {
    for (
      const r of [req("GET", "/metrics", { token: null }), req("GET", "/servers/team-b/ev/mcp")]
    ) {
      await (await bed.handle(r)).body?.cancel();
    }
    await (await bed.handle(req("POST", "/servers/team-a/ev/mcp", { body: "{}" }))).body?.cancel();
    const text = await bed.metrics.registry.metrics();
    for (
      const line of [
        'nmcp_auth_decisions_total{decision="unauthenticated",source="none"} 1',
        'nmcp_auth_decisions_total{decision="forbidden",source="kubernetes"} 1',
        'nmcp_auth_decisions_total{decision="allowed",source="kubernetes"} 1',
        'nmcp_http_requests_total{route="metrics",code="401"} 1',
        'nmcp_http_requests_total{route="router",code="403"} 1',
        'nmcp_http_requests_total{route="router",code="200"} 1',
      ]
    ) assert.ok(text.includes(line), `${line}\n${text}`);
  } finally {
    await bed.close();
  }
});
