import assert from "node:assert/strict";
import { validate } from "./schema.ts";

const SCHEMA = {
  type: "object",
  properties: { q: { type: "string" }, n: { type: "integer", minimum: 1 } },
  required: ["q"],
  additionalProperties: false,
};

Deno.test("validate() accepts conforming arguments", async () => {
  assert.equal(await validate(SCHEMA, { q: "x", n: 2 }), null);
});

Deno.test("validate() names every problem once, at its argument", async () => {
  assert.equal(
    await validate(SCHEMA, { n: 0, x: 1 }),
    'arguments: Instance does not have required property "q"; ' +
      "arguments/n: 0 is less than 1; " +
      'arguments: Property "x" does not match additional properties schema',
  );
  assert.equal(
    await validate(SCHEMA, { q: 1 }),
    'arguments/q: Instance type "number" is invalid. Expected "string"',
  );
});

Deno.test("validate() follows $defs references (2020-12)", async () => {
  const schema = {
    type: "object",
    $defs: { id: { type: "string", pattern: "^[a-z]+$" } },
    properties: { id: { $ref: "#/$defs/id" } },
  };
  assert.equal(await validate(schema, { id: "abc" }), null);
  assert.match((await validate(schema, { id: "A1" }))!, /^arguments\/id: .*pattern/);
});
