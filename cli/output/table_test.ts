import assert from "node:assert/strict";
import { ageOf, humanDuration, renderTable } from "./table.ts";

Deno.test("renderTable() pads columns by 3 spaces and shows empty cells as <none>", () => {
  const text = renderTable({
    headers: ["NAME", "PHASE", "AGE"],
    rows: [["a", "", "5s"], ["long-name", "Ready", "2m"]],
  });
  assert.equal(
    text,
    "NAME        PHASE    AGE\n" +
      "a           <none>   5s\n" +
      "long-name   Ready    2m\n",
  );
});

Deno.test("renderTable() prints headers even without rows", () => {
  assert.equal(renderTable({ headers: ["NAME", "AGE"], rows: [] }), "NAME   AGE\n");
});

Deno.test("humanDuration() follows kubectl's HumanDuration steps", () => {
  const s = 1000, m = 60 * s, h = 60 * m, d = 24 * h;
  const cases: [number, string][] = [
    [-5 * s, "0s"],
    [45 * s, "45s"],
    [119 * s, "119s"],
    [5 * m + 12 * s, "5m12s"],
    [9 * m, "9m"],
    [150 * m, "150m"],
    [3 * h + 20 * m, "3h20m"],
    [30 * h, "30h"],
    [2 * d + 4 * h, "2d4h"],
    [400 * d, "400d"],
    [3 * 365 * d + 10 * d, "3y10d"],
    [9 * 365 * d, "9y"],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}ms`);
});

Deno.test("ageOf() handles absent, invalid and Date timestamps", () => {
  const now = new Date("2026-01-01T00:10:00Z");
  assert.equal(ageOf(undefined, now), "<none>");
  assert.equal(ageOf("garbage", now), "<unknown>");
  assert.equal(ageOf("2026-01-01T00:00:00Z", now), "10m");
  assert.equal(ageOf(new Date("2026-01-01T00:09:30Z"), now), "30s");
});
