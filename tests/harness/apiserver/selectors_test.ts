import assert from "node:assert/strict";
import {
  matchFields,
  matchLabels,
  parseFieldSelector,
  parseLabelSelector,
  selectorObjectToRequirements,
} from "./selectors.ts";

Deno.test("parseLabelSelector() reads equality, set-based and existence requirements", () => {
  const r = parseLabelSelector("app=web,tier!=db,env in (a, b),zone notin (x),gpu,!legacy");
  assert.deepEqual(r.map((x) => [x.key, x.op, x.values]), [
    ["app", "=", ["web"]],
    ["tier", "!=", ["db"]],
    ["env", "in", ["a", "b"]],
    ["zone", "notin", ["x"]],
    ["gpu", "exists", []],
    ["legacy", "notexists", []],
  ]);
  assert.ok(matchLabels(r, { app: "web", env: "a", gpu: "1" }));
  assert.ok(!matchLabels(r, { app: "web", env: "c", gpu: "1" }));
  assert.ok(!matchLabels(r, { app: "web", env: "a", gpu: "1", legacy: "y" }));
  assert.ok(!matchLabels(r, { app: "web", env: "a", gpu: "1", tier: "db" }));
});

Deno.test("parseLabelSelector() rejects garbage with a 400", () => {
  assert.throws(
    () => parseLabelSelector("a in b"),
    (e: Error & { code?: number }) => e.code === 400,
  );
});

Deno.test("matchFields() compares dotted paths, missing fields read as empty", () => {
  const pod = {
    metadata: { name: "p", namespace: "n" },
    spec: { nodeName: "node1" },
    status: { phase: "Running" },
  };
  assert.ok(matchFields(parseFieldSelector("metadata.name=p,status.phase=Running"), pod));
  assert.ok(matchFields(parseFieldSelector("spec.nodeName==node1,metadata.namespace!=x"), pod));
  assert.ok(!matchFields(parseFieldSelector("status.phase!=Running"), pod));
  assert.ok(matchFields(parseFieldSelector("spec.nodeName="), { spec: {} }));
});

Deno.test("selectorObjectToRequirements() converts matchLabels and matchExpressions", () => {
  const r = selectorObjectToRequirements({
    matchLabels: { app: "a" },
    matchExpressions: [{ key: "t", operator: "In", values: ["x"] }, {
      key: "d",
      operator: "DoesNotExist",
    }],
  });
  assert.ok(matchLabels(r, { app: "a", t: "x" }));
  assert.ok(!matchLabels(r, { app: "a", t: "x", d: "1" }));
});
