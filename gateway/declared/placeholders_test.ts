import assert from "node:assert/strict";
import { fillUrl, matchUriTemplate, renderTemplate, withQuery } from "./placeholders.ts";

Deno.test("fillUrl() encodes placeholders and returns the unused arguments", () => {
  const out = fillUrl("http://s:8080/search/{query}/{n}", { query: "a b/c?", n: 3, limit: 5 });
  assert.deepEqual(out, {
    ok: true,
    url: "http://s:8080/search/a%20b%2Fc%3F/3",
    rest: { limit: 5 },
  });
});

Deno.test("fillUrl() reports the first placeholder without an argument", () => {
  assert.deepEqual(fillUrl("http://s/{a}/{b}", { b: "x" }), {
    ok: false,
    bad: "a",
    why: "missing",
  });
  assert.deepEqual(fillUrl("http://s/{a}", { a: null }), { ok: false, bad: "a", why: "missing" });
});

Deno.test("fillUrl() refuses . and .. (a URL parser would climb the path)", () => {
  for (const v of [".", ".."]) {
    assert.deepEqual(fillUrl("http://s/items/{id}", { id: v }), {
      ok: false,
      bad: "id",
      why: "dot-segment",
    });
  }
  const ok = fillUrl("http://s/items/{id}", { id: "../admin" });
  assert.ok(ok.ok);
  assert.equal(new URL(ok.url).pathname, "/items/..%2Fadmin");
});

Deno.test("fillUrl() leaves a URL without placeholders alone", () => {
  assert.deepEqual(fillUrl("http://s/x", {}), { ok: true, url: "http://s/x", rest: {} });
});

Deno.test("withQuery() repeats array keys and writes objects as JSON", () => {
  assert.equal(
    withQuery("http://s/x?a=1", { tag: ["p", "q"], f: { k: 1 }, skip: null, s: "é" }),
    "http://s/x?a=1&tag=p&tag=q&f=%7B%22k%22%3A1%7D&s=%C3%A9",
  );
});

Deno.test("renderTemplate() fills {{variables}}, spaces allowed, unknown ones empty", () => {
  assert.equal(
    renderTemplate("Hello {{name}}, you asked {{ query }}{{nope}}", { name: "Ann", query: "why" }),
    "Hello Ann, you asked why",
  );
  assert.equal(renderTemplate("{name} {{{name}}}", { name: "x" }), "{name} {x}");
});

Deno.test("matchUriTemplate() binds decoded variables and refuses other shapes", () => {
  assert.deepEqual(matchUriTemplate("items://{id}", "items://a%20b"), { id: "a b" });
  assert.deepEqual(matchUriTemplate("db://{t}/rows/{id}", "db://users/rows/7"), {
    t: "users",
    id: "7",
  });
  assert.equal(matchUriTemplate("items://{id}", "items://a/b"), null);
  assert.equal(matchUriTemplate("items://{id}", "other://1"), null);
  assert.equal(matchUriTemplate("items://{id}", "items://"), null);
  assert.equal(matchUriTemplate("items://{id}", "items://%E0%A4%A"), null);
  assert.deepEqual(matchUriTemplate("a.b://x", "a.b://x"), {});
  assert.equal(matchUriTemplate("a.b://x", "aXb://x"), null);
});
