import assert from "node:assert/strict";
import { parse } from "yaml";
import { applyDefaults, prune, rootCauses, type Schema, validate } from "./schema.ts";

const crd = parse(
  await Deno.readTextFile(new URL("../../../crds/nmcp.nwrx.io_mcpservers.yaml", import.meta.url)),
);
const SCHEMA: Schema = crd.spec.versions[0].schema.openAPIV3Schema;

function messages(obj: Record<string, unknown>, old?: Record<string, unknown>): string[] {
  applyDefaults(SCHEMA, obj);
  return rootCauses(SCHEMA, obj, old).map((c) => `${c.field}: ${c.message}`);
}

Deno.test("applyDefaults() fills nested defaults and prune() drops undeclared fields", () => {
  const obj: Record<string, unknown> = {
    metadata: { name: "x", extra: 1 },
    spec: { image: "i", bogus: 1 },
  };
  applyDefaults(SCHEMA, obj);
  assert.deepEqual((obj.spec as Record<string, unknown>).transport, { type: "stdio" });
  assert.equal((obj.spec as Record<string, unknown>).pool, "default");
  assert.deepEqual(prune(SCHEMA, obj), ["spec.bogus"]);
  assert.deepEqual(obj.metadata, { name: "x", extra: 1 });
});

Deno.test("validate() words type, enum, range, length, pattern and required errors like Kubernetes", () => {
  assert.deepEqual(messages({ spec: { package: { registryType: "npm" } } }), [
    "spec.package.identifier: Required value",
  ]);
  assert.deepEqual(
    messages({ spec: { image: "", transport: { type: "sse", port: 0, path: "x" } } }),
    [
      'spec.image: Invalid value: "": spec.image in body should be at least 1 chars long',
      "spec.transport.port: Invalid value: 0: spec.transport.port in body should be greater than or equal to 1",
      "spec.transport.path: Invalid value: \"x\": spec.transport.path in body should match '^/'",
    ],
  );
  assert.deepEqual(messages({ spec: { image: "i", transport: { type: "tcp" } } }), [
    'spec.transport.type: Unsupported value: "tcp": supported values: "stdio", "streamable-http", "sse"',
  ]);
  assert.deepEqual(messages({ spec: { image: 5 } }), [
    'spec.image: Invalid value: "integer": spec.image in body must be of type string: "integer"',
  ]);
});

Deno.test("validate() runs x-kubernetes-validations with fieldPath and reason", () => {
  assert.deepEqual(messages({ spec: { image: "i", transport: { type: "streamable-http" } } }), [
    "spec.transport.port: Required value: port is required for the streamable-http and sse transports",
  ]);
  assert.deepEqual(
    messages({
      spec: {
        image: "i",
        env: [{ name: "A", value: "1", valueFrom: { secretKeyRef: { key: "k" } } }],
      },
    }),
    [
      'spec.env[0]: Invalid value: "object": value and valueFrom are mutually exclusive',
    ],
  );
});

Deno.test("validate() handles int-or-string, nullable, maxItems, preserve-unknown and oldSelf", () => {
  const s: Schema = {
    type: "object",
    properties: {
      q: { "x-kubernetes-int-or-string": true },
      n: { type: "string", nullable: true },
      l: { type: "array", maxItems: 1, items: { type: "integer", format: "int32" } },
      free: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
      imm: {
        type: "string",
        "x-kubernetes-validations": [{ rule: "self == oldSelf", message: "is immutable" }],
      },
      m: {
        type: "integer",
        "x-kubernetes-validations": [{
          rule: "self < 10",
          messageExpression: "'must be below 10, got ' + string(self)",
        }],
      },
    },
  };
  assert.deepEqual(validate(s, { q: "50%", n: null, free: { x: 1 } }, undefined), []);
  assert.deepEqual(prune(s, { free: { x: { y: 1 } } }), []);
  const errs = validate(s, { q: true, l: [1, 2], imm: "b", m: 12 }, { imm: "a" }).map((c) =>
    `${c.field}: ${c.message}`
  );
  assert.deepEqual(errs, [
    'q: Invalid value: "boolean": q in body must be of type integer,string: "boolean"',
    "l: Too many: 2: must have at most 1 items",
    'imm: Invalid value: "string": is immutable',
    'm: Invalid value: "integer": must be below 10, got 12',
  ]);
  assert.deepEqual(validate(s, { imm: "b" }, undefined), [], "transition rules skip on create");
});

Deno.test("validate() reports duplicate keys of list-type map and set lists", () => {
  const obj = { spec: { image: "i", env: [{ name: "A", value: "1" }, { name: "A", value: "2" }] } };
  assert.deepEqual(messages(obj), [
    'spec.env[1]: Duplicate value: map[string]interface {}{"name":"A"}',
  ]);
  const set: Schema = { type: "array", "x-kubernetes-list-type": "set", items: { type: "string" } };
  assert.deepEqual(
    validate(set, ["a", "b", "a"], undefined, "l").map((c) => `${c.field}: ${c.message}`),
    [
      'l[2]: Duplicate value: "a"',
    ],
  );
});
