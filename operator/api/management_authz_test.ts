import assert from "node:assert/strict";
import { req, startBed } from "./_http_testing.ts";

const G = "nmcp.nwrx.io";

/** [method, path, SAR resourceAttributes, the 403 message] for every management verb. */
const CASES: [string, string, Record<string, string>, string][] = [
  [
    "GET",
    "/api/v1/servers",
    { verb: "list", group: G, resource: "mcpservers", namespace: "" },
    `mcpservers.${G} is forbidden: User "alice" cannot list resource "mcpservers" in API group "${G}" at the cluster scope`,
  ],
  [
    "GET",
    "/api/v1/namespaces/team-a/servers",
    { verb: "list", group: G, resource: "mcpservers", namespace: "team-a" },
    `mcpservers.${G} is forbidden: User "alice" cannot list resource "mcpservers" in API group "${G}" in the namespace "team-a"`,
  ],
  [
    "GET",
    "/api/v1/servers/team-a/ev",
    { verb: "get", group: G, resource: "mcpservers", namespace: "team-a", name: "ev" },
    `mcpservers.${G} "ev" is forbidden: User "alice" cannot get resource "mcpservers" in API group "${G}" in the namespace "team-a"`,
  ],
  [
    "POST",
    "/api/v1/namespaces/team-a/servers",
    { verb: "create", group: G, resource: "mcpservers", namespace: "team-a" },
    `mcpservers.${G} is forbidden: User "alice" cannot create resource "mcpservers" in API group "${G}" in the namespace "team-a"`,
  ],
  [
    "PUT",
    "/api/v1/servers/team-a/ev",
    { verb: "update", group: G, resource: "mcpservers", namespace: "team-a", name: "ev" },
    `mcpservers.${G} "ev" is forbidden: User "alice" cannot update resource "mcpservers" in API group "${G}" in the namespace "team-a"`,
  ],
  [
    "PATCH",
    "/api/v1/servers/team-a/ev",
    { verb: "patch", group: G, resource: "mcpservers", namespace: "team-a", name: "ev" },
    `mcpservers.${G} "ev" is forbidden: User "alice" cannot patch resource "mcpservers" in API group "${G}" in the namespace "team-a"`,
  ],
  [
    "DELETE",
    "/api/v1/servers/team-a/ev",
    { verb: "delete", group: G, resource: "mcpservers", namespace: "team-a", name: "ev" },
    `mcpservers.${G} "ev" is forbidden: User "alice" cannot delete resource "mcpservers" in API group "${G}" in the namespace "team-a"`,
  ],
  [
    "DELETE",
    "/api/v1/namespaces/team-a/servers",
    { verb: "deletecollection", group: G, resource: "mcpservers", namespace: "team-a" },
    `mcpservers.${G} is forbidden: User "alice" cannot deletecollection resource "mcpservers" in API group "${G}" in the namespace "team-a"`,
  ],
  [
    "GET",
    "/api/v1/pools",
    { verb: "list", group: G, resource: "mcppools", namespace: "" },
    `mcppools.${G} is forbidden: User "alice" cannot list resource "mcppools" in API group "${G}" at the cluster scope`,
  ],
  [
    "POST",
    "/api/v1/namespaces/team-a/pools",
    { verb: "create", group: G, resource: "mcppools", namespace: "team-a" },
    `mcppools.${G} is forbidden: User "alice" cannot create resource "mcppools" in API group "${G}" in the namespace "team-a"`,
  ],
  [
    "DELETE",
    "/api/v1/pools/team-a/p",
    { verb: "delete", group: G, resource: "mcppools", namespace: "team-a", name: "p" },
    `mcppools.${G} "p" is forbidden: User "alice" cannot delete resource "mcppools" in API group "${G}" in the namespace "team-a"`,
  ],
  [
    "GET",
    "/api/v1/servers/uid-team-b-ev",
    { verb: "get", group: G, resource: "mcpservers", namespace: "team-b", name: "ev" },
    `mcpservers.${G} "ev" is forbidden: User "alice" cannot get resource "mcpservers" in API group "${G}" in the namespace "team-b"`,
  ],
  [
    "PUT",
    "/api/v1/pools/p",
    { verb: "update", group: G, resource: "mcppools", namespace: "default", name: "p" },
    `mcppools.${G} "p" is forbidden: User "alice" cannot update resource "mcppools" in API group "${G}" in the namespace "default"`,
  ],
  [
    "GET",
    "/api/v1/metrics/servers/ev",
    { verb: "get", group: G, resource: "mcpservers", namespace: "default", name: "ev" },
    `mcpservers.${G} "ev" is forbidden: User "alice" cannot get resource "mcpservers" in API group "${G}" in the namespace "default"`,
  ],
];

Deno.test("deleting a pool also needs deletecollection of its namespace's servers", async () => {
  const bed = await startBed({ allow: (spec) => spec.resourceAttributes?.resource === "mcppools" });
  try {
    const res = await bed.handle(req("DELETE", "/api/v1/pools/p"));
    assert.equal(res.status, 403);
    assert.equal(
      (await res.json()).message,
      `mcpservers.${G} is forbidden: User "alice" cannot deletecollection resource "mcpservers" in API group "${G}" in the namespace "default"`,
    );
    assert.deepEqual(bed.writes, []);
    const metrics = await bed.handle(req("GET", "/api/v1/metrics"));
    assert.equal(metrics.status, 403, "/api/v1/metrics needs list mcpservers");
    assert.deepEqual(bed.reviews.accessReviews.at(-1)?.resourceAttributes, {
      verb: "list",
      group: G,
      resource: "mcpservers",
      namespace: "",
    });
    await metrics.body?.cancel();
  } finally {
    await bed.close();
  }
});

Deno.test("each management verb is reviewed as its own SubjectAccessReview and refused like the API server", async () => {
  const bed = await startBed({ allow: () => false });
  try {
    for (const [method, path, attrs, message] of CASES) {
      const body = method === "POST" ? "{}" : undefined;
      const res = await bed.handle(req(method, path, { body }));
      assert.equal(res.status, 403, `${method} ${path}`);
      assert.equal((await res.json()).message, message);
      const spec = bed.reviews.accessReviews.at(-1)!;
      assert.deepEqual(spec.resourceAttributes, attrs, `${method} ${path}`);
      assert.equal(spec.user, "alice");
    }
    const metrics = await bed.handle(req("GET", "/metrics"));
    assert.equal(metrics.status, 403);
    assert.equal(
      (await metrics.json()).message,
      'forbidden: User "alice" cannot get path "/metrics"',
    );
    assert.deepEqual(bed.reviews.accessReviews.at(-1)?.nonResourceAttributes, {
      verb: "get",
      path: "/metrics",
    });
    assert.deepEqual(bed.writes, [], "nothing was written");
  } finally {
    await bed.close();
  }
});

Deno.test("allowed management calls keep today's answers", async () => {
  const bed = await startBed({ allow: () => true });
  try {
    const list = await bed.handle(req("GET", "/api/v1/servers"));
    assert.deepEqual((await list.json()).items.map((s: { namespace: string }) => s.namespace), [
      "team-a",
      "team-b",
    ]);
    const created = await bed.handle(req("POST", "/api/v1/namespaces/team-a/servers", {
      body: JSON.stringify({ metadata: { name: "new" }, spec: { image: "img" } }),
    }));
    assert.equal(created.status, 201);
    assert.equal((await created.json()).name, "new");
    const del = await bed.handle(req("DELETE", "/api/v1/servers/team-a/ev"));
    assert.equal(del.status, 204);
    const patch = await bed.handle(req("PATCH", "/api/v1/servers/team-a/ev", { body: "{}" }));
    assert.equal(patch.status, 405);
    assert.equal(patch.headers.get("allow"), "GET, PUT, DELETE");
    await patch.body?.cancel();
    const bad = await bed.handle(req("POST", "/api/v1/namespaces/team-a/servers", { body: "[1" }));
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).error, /^Cannot parse request body: /);
    const metrics = await bed.handle(req("GET", "/metrics"));
    assert.match(await metrics.text(), /nmcp_http_requests_total/);
    assert.deepEqual(bed.writes, [
      "POST /apis/nmcp.nwrx.io/v1/namespaces/team-a/mcpservers",
      "DELETE /apis/nmcp.nwrx.io/v1/namespaces/team-a/mcpservers/ev",
    ]);
  } finally {
    await bed.close();
  }
});
