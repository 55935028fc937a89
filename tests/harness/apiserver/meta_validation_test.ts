import assert from "node:assert/strict";
import { immutableCauses, metadataCauses } from "./meta_validation.ts";
import { Registry } from "./resources.ts";

Deno.test("metadataCauses() checks label keys, label values and annotation keys", () => {
  assert.deepEqual(metadataCauses({ labels: { "app.kubernetes.io/name": "web", "x": "" } }), []);
  const causes = metadataCauses({
    labels: { "bad key!": "v", ok: "no spaces", long: "x".repeat(64) },
    annotations: { "example.com/fine": "any value at all", "/nope": "" },
  });
  assert.deepEqual(causes.map((c) => c.field), [
    "metadata.labels",
    "metadata.labels",
    "metadata.labels",
    "metadata.annotations",
  ]);
  assert.match(
    causes[0].message,
    /^Invalid value: "bad key!": name part must consist of alphanumeric/,
  );
  assert.match(
    causes[1].message,
    /^Invalid value: "no spaces": a valid label must be an empty string/,
  );
  assert.match(causes[2].message, /: must be no more than 63 characters$/);
  assert.match(
    causes[3].message,
    /^Invalid value: "\/nope": prefix part a lowercase RFC 1123 subdomain/,
  );
});

Deno.test("immutableCauses() forbids pod spec changes but allows image and binding", () => {
  const pods = new Registry().find("", "v1", "pods")!;
  const old = { metadata: {}, spec: { containers: [{ name: "c", image: "a" }] } };
  assert.deepEqual(
    immutableCauses(pods, old, {
      metadata: {},
      spec: { containers: [{ name: "c", image: "b" }], nodeName: "n" },
    }),
    [],
  );
  const bad = immutableCauses(pods, old, {
    metadata: {},
    spec: { containers: [{ name: "c", image: "a", args: ["x"] }] },
  });
  assert.equal(bad[0].field, "spec");
  assert.match(bad[0].message, /^Forbidden: pod updates may not change fields other than/);
  const deploy = new Registry().find("apps", "v1", "deployments")!;
  const d = immutableCauses(deploy, { spec: { selector: { matchLabels: { a: "1" } } } }, {
    spec: { selector: { matchLabels: { a: "2" } } },
  });
  assert.deepEqual(d.map((c) => `${c.field}: ${c.message}`), [
    'spec.selector: Invalid value: "object": field is immutable',
  ]);
});
