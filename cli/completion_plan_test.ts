import assert from "node:assert/strict";
import { planCompletion, scanWords } from "./completion_plan.ts";

Deno.test("planCompletion() offers verbs, then names from the cluster by verb", () => {
  assert.equal(planCompletion([], "").source, "static");
  assert.ok((planCompletion([], "") as { values: string[] }).values.includes("connect"));
  assert.equal(planCompletion(["connect"], "ev").source, "servers");
  assert.deepEqual(planCompletion(["connect", "x"], ""), {
    source: "static",
    values: [],
    directive: 4,
  });
  assert.deepEqual(planCompletion(["get"], ""), {
    source: "servers",
    extra: ["mcpserver", "mcppool"],
    directive: 4,
  });
  assert.equal(planCompletion(["describe", "mcpp"], "").source, "pools");
});

Deno.test("planCompletion() completes flag values: namespaces, contexts, outputs, files", () => {
  assert.equal(planCompletion(["ls", "-n"], "").source, "namespaces");
  assert.equal(planCompletion(["--context"], "").source, "contexts");
  assert.deepEqual(planCompletion(["ls", "-o"], "").source, "static");
  assert.deepEqual(planCompletion(["apply", "-f"], ""), { source: "files", directive: 0 });
  const flags = planCompletion(["logs"], "--f") as { values: string[] };
  assert.deepEqual(flags.values, ["--follow"]);
});

Deno.test("scanWords() finds the verb behind global flags and their values", () => {
  const r = scanWords(["-n", "team", "--context=dev", "get", "mcpp"]);
  assert.equal(r.verb, "get");
  assert.deepEqual(r.positional, ["mcpp"]);
  assert.equal(r.flags.namespace, "team");
  assert.equal(r.flags.context, "dev");
});
