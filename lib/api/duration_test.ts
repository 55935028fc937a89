import assert from "node:assert/strict";
import { parse } from "@marcbachmann/cel-js";
import { mcpServerCrd } from "./crd.ts";
import { durationOr, formatDuration, parseDuration } from "./duration.ts";

const GOOD: [number | string, number][] = [
  [0, 0],
  [60, 60],
  ["0", 0],
  ["60s", 60],
  ["5m", 300],
  ["1h30m", 5400],
  ["1h30m15s", 5415],
  ["1.5h", 5400],
  ["500ms", 0.5],
  ["2m500ms", 120.5],
];
const BAD: (number | string)[] = [-1, 1.5, "5x", "60", "", "1h 30m", "-5s", "s", "1.h", "5M"];

Deno.test("parseDuration() reads seconds and h/m/s/ms strings, rejects the rest", () => {
  for (const [v, want] of GOOD) assert.equal(parseDuration(v), want, String(v));
  for (const v of BAD) {
    assert.throws(() => parseDuration(v), /^RangeError: Cannot parse duration ".*": must be/);
  }
  assert.equal(durationOr(undefined, 600), 600);
  assert.equal(durationOr("1m", 600), 60);
});

Deno.test("the CRD's CEL rule admits exactly what parseDuration() reads", () => {
  const schema = mcpServerCrd().spec.versions[0].schema.openAPIV3Schema;
  const field = schema.properties!.spec.properties!.idleTimeout;
  const [rule] = field["x-kubernetes-validations"]!;
  const check = parse(rule.rule);
  const self = (v: number | string) => typeof v === "number" ? BigInt(v) : v;
  for (const [v] of GOOD) assert.equal(check({ self: self(v) }), true, `CEL rejects ${v}`);
  // 1.5 is no int-or-string at all: the schema's type check refuses it before CEL runs.
  for (const v of BAD.filter((b) => typeof b === "string" || Number.isInteger(b))) {
    assert.equal(check({ self: self(v) }), false, `CEL admits ${v}`);
  }
});

Deno.test("formatDuration() writes the short form", () => {
  assert.equal(formatDuration(0), "0s");
  assert.equal(formatDuration(60), "1m");
  assert.equal(formatDuration(5415), "1h30m15s");
  assert.equal(formatDuration(0.5), "0.5s");
  assert.equal(formatDuration(7200), "2h");
});
