import assert from "node:assert/strict";
import { checkDecodable } from "./decode.ts";
import { Registry } from "./resources.ts";
import { validateBuiltin } from "./strategy.ts";

const reg = new Registry();
const rt = (plural: string, group = "") => reg.find(group, "v1", plural)!;
const msg = (f: () => void) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "";
};

Deno.test("checkDecodable() rejects what Go's decoder would: numbers in string maps, bad base64", () => {
  assert.equal(
    msg(() => checkDecodable(rt("configmaps"), { metadata: { annotations: { a: 1 } } })),
    'ConfigMap in version "v1" cannot be handled as a ConfigMap: json: cannot unmarshal number into Go struct field ObjectMeta.metadata.annotations of type string',
  );
  assert.match(
    msg(() => checkDecodable(rt("configmaps"), { metadata: {}, data: { n: 5 } })),
    /ConfigMap.data of type string/,
  );
  assert.match(
    msg(() => checkDecodable(rt("secrets"), { metadata: {}, data: { p: "not base64!" } })),
    /illegal base64 data/,
  );
  assert.equal(
    msg(() => checkDecodable(rt("secrets"), { metadata: {}, data: { p: btoa("ok") } })),
    "",
  );
  assert.match(
    msg(() =>
      checkDecodable(rt("events", "events.k8s.io"), {
        metadata: {},
        eventTime: "2026-01-01T00:00:00.000Z",
      })
    ),
    /cannot parse as ".000000"/,
  );
});

Deno.test("validateBuiltin() checks container names, duplicates and service ports", () => {
  const pod = {
    metadata: {},
    spec: {
      containers: [{ name: "c", image: "i" }, { name: "c", image: "j" }, {
        name: "Bad",
        image: "k",
      }],
    },
  };
  assert.deepEqual(
    validateBuiltin(rt("pods"), pod).map((c) => `${c.field}: ${c.message.slice(0, 30)}`),
    [
      'spec.containers[1].name: Duplicate value: "c"',
      'spec.containers[2].name: Invalid value: "Bad": a lowerc',
    ],
  );
  assert.deepEqual(
    validateBuiltin(rt("services"), { metadata: {}, spec: {} }).map((c) => c.field),
    ["spec.ports"],
  );
  assert.deepEqual(
    validateBuiltin(rt("services"), { metadata: {}, spec: { clusterIP: "None" } }),
    [],
  );
});
