import assert from "node:assert/strict";
import { percentile, runCell, summarizeCell } from "./load.ts";
import type { BenchSession } from "./clients.ts";

Deno.test("percentile() uses the nearest rank", () => {
  const v = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  assert.equal(percentile(v, 50), 5);
  assert.equal(percentile(v, 99), 10);
  assert.equal(percentile(v, 0), 1);
  assert.equal(percentile([], 50), 0);
});

Deno.test("summarizeCell() computes rate over elapsed time", () => {
  const r = summarizeCell([3, 1, 2, 4], 1, 2000);
  assert.deepEqual(r, { requests: 4, errors: 1, rps: 2, p50Ms: 2, p99Ms: 4 });
});

Deno.test("runCell() counts a payload from another session as an error", async () => {
  let n = 0;
  const open = (): Promise<BenchSession> => {
    const crossed = n++ === 1;
    return Promise.resolve({
      call: (m) => Promise.resolve(crossed ? `${m}-other` : m),
      close: () => Promise.resolve(),
    });
  };
  const r = await runCell(open, { concurrency: 2, durationMs: 30, warmupMs: 0 });
  assert.ok(r.requests > 0);
  assert.ok(r.errors > 0);
});
