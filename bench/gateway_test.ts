import assert from "node:assert/strict";
import { median, mergeRounds, ratios, renderTable, type Row, rssMiB } from "./gateway.ts";

const row = (
  target: Row["target"],
  transport: Row["transport"],
  rps: number,
  p50Ms: number,
): Row => ({
  target,
  transport,
  concurrency: 1,
  requests: rps,
  errors: 0,
  rps,
  p50Ms,
  p99Ms: p50Ms * 2,
});

Deno.test("ratios() compares throughput with supergateway and p50 with direct stdio", () => {
  const rows = [
    row("direct", "stdio", 4000, 0.2),
    row("ceiling", "streamable", 3000, 0.3),
    row("nmcp", "streamable", 1500, 0.5),
    row("supergateway", "streamable", 500, 2),
    row("floor", "streamable", 2000, 0.4),
  ];
  assert.deepEqual(ratios(rows, [1]), {
    streamable_x_supergateway_c1: 3,
    nmcp_streamable_of_floor_c1: 0.75,
    supergateway_streamable_of_floor_c1: 0.25,
    streamable_of_ceiling_c1: 0.5,
    streamable_p50_overhead_ms_c1: 0.3,
    serial_bound_rps_c1: 1714,
    serial_bound_x_supergateway_streamable_c1: 3.43,
  });
});

Deno.test("ratios() compares our gateway with and without its header timeout", () => {
  const rows = [row("nmcp", "streamable", 900, 0.5), row("nmcp_h0", "streamable", 1000, 0.5)];
  assert.deepEqual(ratios(rows, [1]), { header_timeout_streamable_c1: 0.9 });
});

Deno.test("renderTable() prints upper-case headers, one line per row and the ratios", () => {
  const text = renderTable({
    date: "2026-01-01T00:00:00.000Z",
    cpus: 2,
    durationMs: 1000,
    rounds: 1,
    rows: [row("direct", "stdio", 4000, 0.2)],
    peaks: {},
    ratios: { x: 1 },
  });
  const lines = text.split("\n");
  assert.match(lines[0], /^TARGET\s+TRANSPORT\s+SESSIONS\s+REQ\/S/);
  assert.match(lines[1], /^direct\s+stdio\s+1\s+4000\s+0\.200/);
  assert.ok(lines.includes("x: 1"));
  assert.ok(text.includes("not present"));
});

Deno.test("mergeRounds() reports medians per cell and sums counts", () => {
  const a = row("nmcp", "streamable", 100, 1), b = row("nmcp", "streamable", 300, 3);
  const c = row("nmcp", "streamable", 200, 2);
  const [m] = mergeRounds([[a], [b], [c]]);
  assert.equal(m.rps, 200);
  assert.equal(m.p50Ms, 2);
  assert.equal(m.requests, 600);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([]), 0);
});

Deno.test("rssMiB() reads the current and the peak RSS of a process", async () => {
  const now = await rssMiB(Deno.pid);
  const peak = await rssMiB(Deno.pid, "VmHWM");
  assert.ok(now > 0 && peak >= now, `${now} ${peak}`);
});

Deno.test("ratios() compares the traced gateway with the untraced one", () => {
  const rows = [row("nmcp", "streamable", 1000, 1), row("nmcp_traced", "streamable", 900, 1.25)];
  assert.deepEqual(ratios(rows, [1]), {
    traced_of_untraced_c1: 0.9,
    traced_p50_overhead_ms_c1: 0.25,
  });
});
