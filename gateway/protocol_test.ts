import assert from "node:assert/strict";
import { missingClientCapabilities, negotiateVersion } from "./protocol.ts";

Deno.test("missingClientCapabilities() names what a server request needs and was not declared", () => {
  const m = missingClientCapabilities;
  assert.deepEqual(m("roots/list", {}, {}), { roots: {} });
  assert.equal(m("roots/list", {}, { roots: {} }), null);
  assert.deepEqual(m("sampling/createMessage", {}, undefined), { sampling: {} });
  assert.equal(m("sampling/createMessage", {}, { sampling: {} }), null);
  assert.deepEqual(m("sampling/createMessage", { tools: [] }, { sampling: {} }), {
    sampling: { tools: {} },
  });
  assert.equal(m("sampling/createMessage", { tools: [] }, { sampling: { tools: {} } }), null);
  assert.deepEqual(m("elicitation/create", {}, { roots: {} }), { elicitation: { form: {} } });
  assert.equal(m("elicitation/create", {}, { elicitation: {} }), null, "empty = form");
  assert.equal(m("elicitation/create", { mode: "form" }, { elicitation: { form: {} } }), null);
  assert.deepEqual(m("elicitation/create", { mode: "url" }, { elicitation: {} }), {
    elicitation: { url: {} },
  });
  assert.deepEqual(m("elicitation/create", {}, { elicitation: { url: {} } }), {
    elicitation: { form: {} },
  });
  assert.equal(m("elicitation/create", { mode: "url" }, { elicitation: { url: {} } }), null);
  assert.equal(m("notifications/message", {}, {}), null);
});

Deno.test("negotiateVersion() keeps a known session revision, else the upstream's, else the newest", () => {
  assert.equal(negotiateVersion("2025-06-18", "2025-11-25"), "2025-06-18");
  assert.equal(negotiateVersion("2026-07-28", "2025-03-26"), "2025-03-26");
  assert.equal(negotiateVersion(undefined, undefined), "2025-11-25");
});
