import assert from "node:assert/strict";
import { jsonPatch, mergePatch, strategicMerge } from "./patch.ts";

Deno.test("mergePatch() merges maps, replaces lists and deletes on null", () => {
  const out = mergePatch({ a: { b: 1, c: 2 }, l: [1, 2], d: 1 }, { a: { b: 9 }, l: [3], d: null });
  assert.deepEqual(out, { a: { b: 9, c: 2 }, l: [3] });
});

Deno.test("jsonPatch() applies add, replace, remove, move, copy and fails a wrong test", () => {
  const doc = { a: [1, 2], b: { c: "x" } };
  const out = jsonPatch(doc, [
    { op: "add", path: "/a/-", value: 3 },
    { op: "replace", path: "/b/c", value: "y" },
    { op: "copy", from: "/b/c", path: "/d" },
    { op: "move", from: "/d", path: "/e" },
    { op: "remove", path: "/a/0" },
    { op: "add", path: "/b/k~1v", value: true },
  ]);
  assert.deepEqual(out, { a: [2, 3], b: { c: "y", "k/v": true }, e: "y" });
  assert.deepEqual(doc, { a: [1, 2], b: { c: "x" } });
  assert.throws(() => jsonPatch(doc, [{ op: "test", path: "/b/c", value: "z" }]));
  assert.throws(
    () => jsonPatch(doc, [{ op: "remove", path: "/nope" }]),
    (e: Error & { code?: number }) => e.code === 400,
  );
});

Deno.test("strategicMerge() merges containers and env by name and honours $setElementOrder", () => {
  const live = {
    spec: {
      containers: [
        { name: "a", image: "a:1", env: [{ name: "X", value: "1" }, { name: "Y", value: "2" }] },
        { name: "b", image: "b:1" },
      ],
    },
  };
  const patch = {
    spec: {
      "$setElementOrder/containers": [{ name: "b" }, { name: "a" }],
      containers: [{
        name: "a",
        image: "a:2",
        "$setElementOrder/env": [{ name: "X" }],
        env: [{ name: "Y", $patch: "delete" }, { name: "X", value: "9" }],
      }],
    },
  };
  assert.deepEqual(strategicMerge(live, patch), {
    spec: {
      containers: [
        { name: "b", image: "b:1" },
        { name: "a", image: "a:2", env: [{ name: "X", value: "9" }] },
      ],
    },
  });
});

Deno.test("strategicMerge() handles $patch replace, ports by key, finalizers as a set and null", () => {
  const live = {
    metadata: { labels: { a: "1", b: "2" }, finalizers: ["x"] },
    spec: { ports: [{ port: 80, name: "h" }, { port: 443 }], selector: { k: "v", j: "w" } },
  };
  const out = strategicMerge(live, {
    metadata: { labels: { b: null }, finalizers: ["y"] },
    spec: { ports: [{ port: 80, targetPort: 8080 }], selector: { $patch: "replace", n: "m" } },
  });
  assert.deepEqual(out, {
    metadata: { labels: { a: "1" }, finalizers: ["x", "y"] },
    spec: {
      ports: [{ port: 80, name: "h", targetPort: 8080 }, { port: 443 }],
      selector: { n: "m" },
    },
  });
  const del = strategicMerge(out, { metadata: { "$deleteFromPrimitiveList/finalizers": ["x"] } });
  assert.deepEqual((del as { metadata: { finalizers: string[] } }).metadata.finalizers, ["y"]);
});
