import assert from "node:assert/strict";
import { accessFor } from "./access.ts";
import { authenticate, type Authenticator, bearerToken } from "./authn.ts";

const target = accessFor("GET", "/servers/ns/x/mcp");
const request = (auth?: string) =>
  new Request("http://op/servers/ns/x/mcp", { headers: auth ? { authorization: auth } : {} });

Deno.test("bearerToken() reads only a well-formed Bearer credential", () => {
  assert.equal(bearerToken(request("Bearer abc.def")), "abc.def");
  assert.equal(bearerToken(request("bearer  abc ")), "abc");
  for (const h of [undefined, "Basic YTpi", "Bearer", "Bearer a b"]) {
    assert.equal(bearerToken(request(h)), undefined, String(h));
  }
});

Deno.test("authenticate() tries authenticators in order until one answers", async () => {
  const seen: string[] = [];
  const pass: Authenticator = (_req, t) => {
    seen.push(`pass ${t.route}`);
    return Promise.resolve(undefined);
  };
  const alice: Authenticator = () =>
    Promise.resolve({ username: "alice", groups: [], source: "oauth" });
  const refuse: Authenticator = () => Promise.resolve(new Response("no", { status: 401 }));
  assert.deepEqual(await authenticate([pass, alice, refuse], request(), target), {
    username: "alice",
    groups: [],
    source: "oauth",
  });
  assert.equal(((await authenticate([refuse, alice], request(), target)) as Response).status, 401);
  assert.deepEqual(seen, ["pass router"]);
});

Deno.test("authenticate() ends with a 401 whose challenge can carry more parameters", async () => {
  const plain = await authenticate([], request(), target) as Response;
  assert.equal(plain.headers.get("www-authenticate"), 'Bearer realm="nmcp"');
  const meta = "https://op/.well-known/oauth-protected-resource/servers/ns/x/mcp";
  const res = await authenticate(
    [],
    request(),
    target,
    (_r, t) => t.server ? { resource_metadata: meta, error: 'say "hi"' } : undefined,
  ) as Response;
  assert.equal(
    res.headers.get("www-authenticate"),
    `Bearer realm="nmcp", resource_metadata="${meta}", error="say \\"hi\\""`,
  );
  assert.equal((await res.json()).code, 401);
});
