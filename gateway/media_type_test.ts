import assert from "node:assert/strict";
import { accepts, mediaType, parseAccept } from "./media_type.ts";

Deno.test("mediaType() parses type/subtype, drops parameters, refuses what is not a media type", () => {
  assert.equal(mediaType("application/json"), "application/json");
  assert.equal(mediaType("Application/JSON; charset=utf-8"), "application/json");
  // issue 13: this was accepted as JSON by substring match.
  assert.equal(mediaType("text/html; x=application/json"), "text/html");
  assert.equal(mediaType("application/json-seq"), "application/json-seq");
  for (const bad of [null, "", "json", "application/json/x", "a b/c", ";application/json"]) {
    assert.equal(mediaType(bad), null, String(bad));
  }
});

Deno.test("accepts() honours exact types, wildcards, q=0 and quoted parameters", () => {
  const both = parseAccept("application/json, text/event-stream");
  assert.ok(accepts(both, "application/json") && accepts(both, "text/event-stream"));
  const html = parseAccept('text/html; x="application/json, text/event-stream"');
  assert.ok(!accepts(html, "application/json") && !accepts(html, "text/event-stream"));
  assert.ok(accepts(parseAccept("*/*"), "application/json"));
  assert.ok(accepts(parseAccept("application/*"), "application/json"));
  assert.ok(!accepts(parseAccept("application/*"), "text/event-stream"));
  const refused = parseAccept("*/*, text/event-stream;q=0");
  assert.ok(accepts(refused, "application/json") && !accepts(refused, "text/event-stream"));
  assert.ok(!accepts(parseAccept(null), "application/json"));
  assert.ok(!accepts(parseAccept("application/jsonx"), "application/json"));
});
