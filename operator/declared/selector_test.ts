import assert from "node:assert/strict";
import type { LabelSelector } from "../../lib/api/mod.ts";
import { matchesSelector } from "./selector.ts";

const CASES: [string, LabelSelector | undefined, Record<string, string> | undefined, boolean][] = [
  ["absent selector matches nothing", undefined, { a: "1" }, false],
  ["empty selector matches everything", {}, undefined, true],
  ["matchLabels equal", { matchLabels: { "mcp-server": "main" } }, { "mcp-server": "main" }, true],
  ["matchLabels differ", { matchLabels: { "mcp-server": "main" } }, { "mcp-server": "x" }, false],
  ["matchLabels missing", { matchLabels: { a: "1" } }, {}, false],
  [
    "In",
    { matchExpressions: [{ key: "t", operator: "In", values: ["a", "b"] }] },
    { t: "b" },
    true,
  ],
  ["In absent key", { matchExpressions: [{ key: "t", operator: "In", values: ["a"] }] }, {}, false],
  [
    "NotIn absent key",
    { matchExpressions: [{ key: "t", operator: "NotIn", values: ["a"] }] },
    {},
    true,
  ],
  [
    "NotIn hit",
    { matchExpressions: [{ key: "t", operator: "NotIn", values: ["a"] }] },
    { t: "a" },
    false,
  ],
  ["Exists", { matchExpressions: [{ key: "t", operator: "Exists" }] }, { t: "" }, true],
  [
    "DoesNotExist",
    { matchExpressions: [{ key: "t", operator: "DoesNotExist" }] },
    { t: "" },
    false,
  ],
  [
    "labels and expressions both must hold",
    { matchLabels: { a: "1" }, matchExpressions: [{ key: "b", operator: "Exists" }] },
    { a: "1" },
    false,
  ],
];

for (const [name, selector, labels, want] of CASES) {
  Deno.test(`matchesSelector(): ${name}`, () => {
    assert.equal(matchesSelector(selector, labels), want);
  });
}
