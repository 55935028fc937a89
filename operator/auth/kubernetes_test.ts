import assert from "node:assert/strict";
import { accessFor, type Attributes } from "./access.ts";
import { startReviewFake } from "./_review_fake.ts";
import { accessReviewAuthorizer, tokenReviewAuthenticator } from "./kubernetes.ts";

const ROUTER = accessFor("POST", "/servers/team-a/ev/mcp");

function withToken(token?: string): Request {
  return new Request("http://op/servers/team-a/ev/mcp", {
    headers: token ? { authorization: `Bearer ${token}` } : {},
  });
}

Deno.test("tokenReviewAuthenticator() caches answers briefly, failures shorter, by token hash", async () => {
  const fake = startReviewFake({
    users: { good: { username: "alice", uid: "u1", extra: { scopes: ["a"] } } },
  });
  const client = fake.client();
  let now = 0;
  const events: string[] = [];
  const authn = tokenReviewAuthenticator(client, {
    now: () => now,
    onReview: (e) => events.push(e.result),
  });
  try {
    assert.equal(await authn(withToken(), ROUTER), undefined, "no token: not this one's call");
    assert.equal(fake.tokenReviews, 0);
    const who = await authn(withToken("good"), ROUTER);
    assert.deepEqual(who, {
      username: "alice",
      uid: "u1",
      groups: ["system:authenticated"],
      source: "kubernetes",
      extra: { scopes: ["a"] },
    });
    assert.deepEqual(await authn(withToken("good"), ROUTER), who);
    assert.equal(await authn(withToken("bad"), ROUTER), undefined);
    assert.equal(await authn(withToken("bad"), ROUTER), undefined);
    assert.equal(fake.tokenReviews, 2, "one review per token while cached");
    now += 2_000; // the failure expires, the success does not
    await authn(withToken("bad"), ROUTER);
    await authn(withToken("good"), ROUTER);
    assert.equal(fake.tokenReviews, 3);
    now += 8_000; // the success expires at 10 s
    await authn(withToken("good"), ROUTER);
    assert.equal(fake.tokenReviews, 4);
    assert.deepEqual(events, [
      "reviewed",
      "cached",
      "reviewed",
      "cached",
      "reviewed",
      "cached",
      "reviewed",
    ]);
  } finally {
    client.close();
    await fake.stop();
  }
});

Deno.test("tokenReviewAuthenticator() sends one review for concurrent requests with one token", async () => {
  const fake = startReviewFake({ users: { good: { username: "alice" } } });
  const client = fake.client();
  try {
    const authn = tokenReviewAuthenticator(client);
    const all = await Promise.all(
      Array.from({ length: 8 }, () => authn(withToken("good"), ROUTER)),
    );
    assert.ok(all.every((w) => w && !(w instanceof Response) && w.username === "alice"));
    assert.equal(fake.tokenReviews, 1);
  } finally {
    client.close();
    await fake.stop();
  }
});

Deno.test("tokenReviewAuthenticator() keeps at most maxEntries answers", async () => {
  const fake = startReviewFake({ users: { a: { username: "a" }, b: { username: "b" } } });
  const client = fake.client();
  try {
    const authn = tokenReviewAuthenticator(client, { maxEntries: 2 });
    for (const t of ["a", "b", "c", "b", "c"]) await authn(withToken(t), ROUTER);
    assert.equal(fake.tokenReviews, 3, "b and c stay cached");
    await authn(withToken("a"), ROUTER);
    assert.equal(fake.tokenReviews, 4, "a was evicted");
  } finally {
    client.close();
    await fake.stop();
  }
});

Deno.test("tokenReviewAuthenticator() answers 503 when the API server cannot review", async () => {
  const fake = startReviewFake({ users: {} });
  const client = fake.client();
  await fake.stop(); // nothing listens any more
  try {
    const out = await tokenReviewAuthenticator(client)(withToken("t"), ROUTER);
    assert.ok(out instanceof Response);
    assert.equal(out.status, 503);
    assert.match((await out.json()).message, /^Cannot review token: /);
  } finally {
    client.close();
  }
});

Deno.test("accessReviewAuthorizer() asks as the caller and caches allow 10 s, deny 2 s", async () => {
  const fake = startReviewFake({
    users: {},
    allow: (s) => s.resourceAttributes?.namespace === "team-a",
  });
  const client = fake.client();
  let now = 0;
  const authz = accessReviewAuthorizer(client, { now: () => now });
  const alice = {
    username: "alice",
    uid: "u1",
    groups: ["g"],
    source: "kubernetes" as const,
    extra: { k: ["v"] },
  };
  const other: Attributes = { ...ROUTER.attributes!, namespace: "team-b" } as Attributes;
  try {
    assert.deepEqual(await authz(alice, ROUTER.attributes!), { allowed: true });
    assert.deepEqual(fake.accessReviews[0], {
      user: "alice",
      uid: "u1",
      groups: ["g"],
      extra: { k: ["v"] },
      resourceAttributes: {
        verb: "get",
        group: "nmcp.nwrx.io",
        resource: "mcpservers",
        subresource: "connect",
        namespace: "team-a",
        name: "ev",
      },
    });
    assert.deepEqual(await authz(alice, other), { allowed: false });
    await authz(alice, ROUTER.attributes!);
    await authz(alice, other);
    assert.equal(fake.accessReviews.length, 2);
    await authz({ ...alice, groups: ["h"] }, ROUTER.attributes!);
    assert.equal(fake.accessReviews.length, 3, "another group set is another question");
    now += 2_000;
    await authz(alice, other);
    await authz(alice, ROUTER.attributes!);
    assert.equal(fake.accessReviews.length, 4, "only the denial expired");
    now += 8_000;
    await authz(alice, ROUTER.attributes!);
    assert.equal(fake.accessReviews.length, 5);
    const metrics = await authz(alice, accessFor("GET", "/metrics").attributes!);
    assert.equal(metrics.allowed, false);
    assert.deepEqual(fake.accessReviews.at(-1)?.nonResourceAttributes, {
      verb: "get",
      path: "/metrics",
    });
  } finally {
    client.close();
    await fake.stop();
  }
});
