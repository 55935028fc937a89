import assert from "node:assert/strict";
import { serverSideApply } from "./apply.ts";
import { fieldSetOf, fromFieldsV1, recordUpdate, SEP, toFieldsV1 } from "./managed_fields.ts";
import type { Obj } from "./patch.ts";

const T = "2026-01-01T00:00:00Z";
const opts = (manager: string, force = false) => ({
  manager,
  force,
  apiVersion: "apps/v1",
  time: T,
});

function deployment(replicas: number, image: string): Obj {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d", labels: { "app.kubernetes.io/name": "d" } },
    spec: { replicas, template: { spec: { containers: [{ name: "c", image }] } } },
  };
}

Deno.test("fieldSetOf() keys list items by merge key and round-trips through FieldsV1", () => {
  const set = fieldSetOf(deployment(1, "a"));
  const tree = toFieldsV1(set);
  assert.deepEqual(Object.keys((tree["f:spec"] as Obj)["f:template"] as Obj), [".", "f:spec"]);
  const containers =
    (((tree["f:spec"] as Obj)["f:template"] as Obj)["f:spec"] as Obj)["f:containers"] as Obj;
  assert.deepEqual(Object.keys(containers), [".", 'k:{"name":"c"}']);
  assert.ok(set.has(["f:metadata", "f:labels", "f:app.kubernetes.io/name"].join(SEP)));
  assert.deepEqual([...fromFieldsV1(tree)].sort(), [...set].sort());
});

Deno.test("serverSideApply() conflicts on another manager's changed field unless forced", () => {
  const created = serverSideApply(undefined, deployment(1, "a"), opts("ci"));
  const entries = (created.metadata as Obj).managedFields as Obj[];
  assert.deepEqual(entries.map((e) => `${e.manager}/${e.operation}`), ["ci/Apply"]);
  assert.throws(
    () => serverSideApply(created, deployment(3, "a"), opts("hpa")),
    (e: Error & { code?: number; details?: { causes: { reason: string; field: string }[] } }) =>
      e.code === 409 &&
      /Apply failed with 1 conflict: conflict with "ci" using apps\/v1: \.spec\.replicas/.test(
        e.message,
      ) &&
      e.details?.causes[0].reason === "FieldManagerConflict",
  );
  const same = serverSideApply(created, deployment(1, "a"), opts("hpa"));
  assert.equal(
    ((same.metadata as Obj).managedFields as Obj[]).length,
    2,
    "equal values share ownership",
  );
  const forced = serverSideApply(created, deployment(3, "a"), opts("hpa", true));
  assert.equal((forced.spec as Obj).replicas, 3);
});

Deno.test("serverSideApply() keeps metadata when a manager stops applying labels", () => {
  const live = serverSideApply(undefined, deployment(1, "a"), opts("ci"));
  const next = serverSideApply(
    live,
    { ...deployment(1, "a"), metadata: { name: "d" } },
    opts("ci"),
  );
  assert.equal((next.metadata as Obj).name, "d");
  assert.deepEqual((next.metadata as Obj).labels ?? {}, {});
  assert.ok((next.metadata as Obj).managedFields);
});

Deno.test("serverSideApply() removes fields a manager stops applying unless others own them", () => {
  const live = serverSideApply(
    undefined,
    { metadata: { name: "c" }, data: { a: "1", b: "2" } },
    opts("one"),
  );
  const shared = serverSideApply(live, { metadata: { name: "c" }, data: { b: "2" } }, opts("two"));
  const after = serverSideApply(shared, { metadata: { name: "c" }, data: {} }, opts("one"));
  assert.deepEqual(after.data, { b: "2" });
});

Deno.test("recordUpdate() gives changed fields to the updater and takes them from others", () => {
  const a: Obj = { metadata: { name: "x" }, data: { k: "1", j: "1" } };
  const first = recordUpdate(undefined, a, "kubectl-create", "v1", T);
  const b: Obj = { metadata: { name: "x", managedFields: first }, data: { k: "1", j: "1" } };
  const second = recordUpdate(b, { ...b, data: { k: "3", j: "1" } }, "editor", "v1", T);
  const owners = Object.fromEntries(
    second.map((e) => [e.manager, [...fromFieldsV1(e.fieldsV1)].sort()]),
  );
  assert.deepEqual(owners["editor"], ["f:data", `f:data${SEP}f:k`]);
  assert.deepEqual(owners["kubectl-create"], ["f:data", `f:data${SEP}f:j`]);
});
