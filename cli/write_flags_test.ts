import assert from "node:assert/strict";
import { dryRunSuffix, parseDryRun, parseValidate } from "./write_flags.ts";
import { parseWarnings } from "./raw.ts";

Deno.test("parseValidate() maps kubectl's --validate values to fieldValidation, strict by default", () => {
  const cases: [string | boolean | undefined, string][] = [
    [undefined, "Strict"],
    [true, "Strict"],
    ["true", "Strict"],
    ["strict", "Strict"],
    ["warn", "Warn"],
    ["Ignore", "Ignore"],
    ["false", "Ignore"],
  ];
  for (const [v, want] of cases) assert.equal(parseValidate(v), want, String(v));
  assert.throws(() => parseValidate("xyz"), {
    message:
      'invalid - validate option "xyz"; must be one of: strict (or true), warn, ignore (or false)',
  });
});

Deno.test("parseDryRun() takes none, client, server; bare --dry-run is client", () => {
  assert.equal(parseDryRun(undefined), "none");
  assert.equal(parseDryRun(true), "client");
  assert.equal(parseDryRun("server"), "server");
  assert.equal(dryRunSuffix("server"), " (server dry run)");
  assert.equal(dryRunSuffix("client"), " (dry run)");
  assert.throws(() => parseDryRun("all"), /Invalid dry-run value \(all\)/);
});

Deno.test("parseWarnings() reads the texts of Warning headers", () => {
  assert.deepEqual(
    parseWarnings('299 - "unknown field \\"spec.imagee\\"", 299 - "b"'),
    ['unknown field "spec.imagee"', "b"],
  );
  assert.deepEqual(parseWarnings(null), []);
});
