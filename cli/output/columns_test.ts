import assert from "node:assert/strict";
import { POOL, SERVER } from "../resources.ts";
import { objectTable, readPath } from "./columns.ts";

const now = new Date("2026-01-01T00:02:00Z");

Deno.test("objectTable() uses the CRD printer columns, hiding priority columns unless wide", () => {
  const item = {
    metadata: { name: "x", namespace: "ns", creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: { pool: "p", transport: { type: "stdio" } },
    status: { phase: "Ready", currentConnections: 1, podName: "x-1" },
  };
  const narrow = objectTable(SERVER, [item], { now });
  assert.deepEqual(narrow.headers, [
    "NAME",
    "STATUS",
    "POOL",
    "TRANSPORT",
    "CONNECTIONS",
    "LAST REQUEST",
    "AGE",
  ]);
  assert.deepEqual(narrow.rows[0], ["x", "Ready", "p", "stdio", "1", "", "2m"]);
  const wide = objectTable(SERVER, [item], { now, wide: true, namespaces: true });
  assert.equal(wide.headers[0], "NAMESPACE");
  assert.ok(wide.headers.includes("POD"));
  assert.ok(wide.rows[0].includes("x-1"));
  assert.deepEqual(objectTable(POOL, [], { now }).headers.slice(0, 3), [
    "NAME",
    "MAX ACTIVE",
    "MAX IDLE",
  ]);
});

Deno.test("readPath() walks dotted paths and stops at missing keys", () => {
  assert.equal(readPath({ a: { b: 1 } }, ".a.b"), 1);
  assert.equal(readPath({ a: 1 }, ".a.b.c"), undefined);
});

Deno.test("objectTable() appends LABELS (sorted k=v, empty when none) with labels: true", () => {
  const items = [
    { metadata: { name: "a", labels: { team: "x", app: "y" } } },
    { metadata: { name: "b" } },
  ];
  const t = objectTable(SERVER, items, { now, labels: true });
  assert.equal(t.headers.at(-1), "LABELS");
  assert.deepEqual(t.rows.map((r) => r.at(-1)), ["app=y,team=x", ""]);
});
