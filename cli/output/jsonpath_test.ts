import assert from "node:assert/strict";
import { jsonPath, jsonPathValues } from "./jsonpath.ts";

const LIST = {
  kind: "List",
  items: [
    {
      metadata: { name: "a", labels: { team: "x" } },
      spec: { pool: "default", args: ["stdio", "-v"] },
      status: {
        conditions: [{ type: "Ready", status: "True" }, { type: "Queued", status: "False" }],
      },
    },
    { metadata: { name: "b" }, spec: { pool: "small", args: [] }, status: { replicas: 3 } },
  ],
};

Deno.test("jsonPath() evaluates kubectl's subset: fields, [*], [n], [a:b], .., filters, range", () => {
  const cases: [string, string][] = [
    ["{.kind}", "List"],
    ["{.items[*].metadata.name}", "a b"],
    ["{.items[0].spec.pool}", "default"],
    ["{.items[-1].metadata.name}", "b"],
    ["{.items[0:1].metadata.name}", "a"],
    ["{.items[0].spec.args}", '["stdio","-v"]'],
    ["{.items[0].metadata.labels}", '{"team":"x"}'],
    ['{.items[?(@.spec.pool=="small")].metadata.name}', "b"],
    ["{.items[?(@.spec.pool!='small')].metadata.name}", "a"],
    ["{.items[?(@.status.replicas>2)].metadata.name}", "b"],
    ["{.items[?(@.metadata.labels)].metadata.name}", "a"],
    ["{.items[0].status.conditions[?(@.type=='Ready')].status}", "True"],
    ["{..pool}", "default small"],
    ["{.items[0].metadata['name']}", "a"],
    ['{range .items[*]}{.metadata.name}{"\\t"}{.spec.pool}{"\\n"}{end}', "a\tdefault\nb\tsmall\n"],
    ["{range .items}{.metadata.name}{end}", ""],
    ["names: {.items[*].metadata.name}!", "names: a b!"],
    ["{.items[0].nothing.deeper}{.missing}", ""],
  ];
  for (const [template, want] of cases) assert.equal(jsonPath(template, LIST), want, template);
});

Deno.test("jsonPath() rejects bad templates with kubectl's reasons", () => {
  assert.throws(() => jsonPath("{.items[}", LIST), /unterminated array/);
  assert.throws(() => jsonPath("{.kind", LIST), /unclosed action/);
  assert.throws(() => jsonPath("{end}", LIST), /not in range, nothing to end/);
  assert.throws(() => jsonPath("{range .items[*]}x", LIST), /unexpected EOF in range/);
});

Deno.test("jsonPathValues() takes custom-column paths with or without braces and dot", () => {
  assert.deepEqual(jsonPathValues(".metadata.name", LIST.items[0]), ["a"]);
  assert.deepEqual(jsonPathValues("{.spec.pool}", LIST.items[1]), ["small"]);
  assert.deepEqual(jsonPathValues("metadata.name", LIST.items[1]), ["b"]);
  assert.deepEqual(jsonPathValues(".spec.*", LIST.items[1]), ["small", []]);
});
