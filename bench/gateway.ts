/**
 * `deno task bench gateway`: direct stdio vs our gateway (Streamable HTTP, SSE, stateless) vs
 * supergateway 4.0.0 (stateful Streamable HTTP, SSE) in front of the same tiny echo server, at
 * several concurrencies. Prints a table and one JSON line.
 */
import { parseArgs } from "node:util";
import {
  type BenchSession,
  sseSession,
  statelessSession,
  stdioClient,
  streamableSession,
} from "./clients.ts";
import {
  denoScript,
  gatewayPresent,
  REPO_ROOT,
  type Running,
  startGateway,
  startListening,
  startSupergateway,
} from "./launch.ts";
import { type CellResult, runCell } from "./load.ts";
import { samplePeak, statusKiB } from "./proc.ts";
import { bundle } from "../scripts/bundle.ts";
import { startOtlpReceiver } from "../tests/fixtures/otlp_receiver.ts";
import { GATEWAY_V8_FLAGS } from "../operator/mod.ts";

/** Options of {@linkcode benchGateway}. */
export interface GatewayBenchOptions {
  /** Measured time per cell. Default 3000 ms. */
  durationMs: number;
  /** Concurrent sessions per cell. Default [1, 16]. */
  concurrencies: number[];
  /** Repetitions of the whole run; cells report the median. Default 1. */
  rounds?: number;
}

/** One measured cell. */
export interface Row extends CellResult {
  /** `nmcp_h0`: our gateway with `--header-timeout 0` (no request-head front). */
  target: "direct" | "ceiling" | "floor" | "nmcp" | "nmcp_h0" | "nmcp_traced" | "supergateway";
  transport: "stdio" | "streamable" | "sse" | "stateless";
  concurrency: number;
}

/** Everything one run measured. */
export interface GatewayBenchReport {
  date: string;
  cpus: number;
  durationMs: number;
  rounds: number;
  rows: Row[];
  /** Our gateway's VmRSS (MiB) after start and after the load (idle both times). */
  rssMiB?: { idle: number; afterLoad: number; peak: number };
  /** Our gateway with tracing on: idle VmRSS (MiB) and spans the local receiver got. */
  traced?: { idleMiB: number; spans: number };
  /** Peak RSS (MiB) and process count of each server's process tree over its cells. */
  peaks: Record<string, { processes: number; rssMiB: number }>;
  ratios: Record<string, number>;
}

const ECHO = denoScript("bench/echo_server.ts");
type Open = (base: string) => Promise<BenchSession>;
const OPENERS: Record<"streamable" | "sse" | "stateless", Open> = {
  streamable: (base) => streamableSession(`${base}/mcp`),
  sse: (base) => sseSession(base),
  stateless: (base) => statelessSession(`${base}/mcp`),
};

/** VmRSS (or another `/proc/PID/status` size such as VmHWM, the peak) of `pid` in MiB. */
export async function rssMiB(pid: number, field = "VmRSS"): Promise<number> {
  const kb = statusKiB(await Deno.readTextFile(`/proc/${pid}/status`), field);
  return Math.round((kb / 1024) * 10) / 10;
}

/** Unmeasured load on each transport of a freshly started server, before its cells. */
const WARM_MS = 1000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function cells(
  target: Row["target"],
  transports: (keyof typeof OPENERS)[],
  base: string,
  opts: GatewayBenchOptions,
): Promise<Row[]> {
  const rows: Row[] = [];
  // A fresh process is not yet JIT-compiled: warm it on every transport before the first cell.
  for (const transport of transports) {
    const concurrency = Math.max(...opts.concurrencies);
    await runCell(() => OPENERS[transport](base), {
      concurrency,
      durationMs: WARM_MS,
      warmupMs: 0,
    });
  }
  for (const transport of transports) {
    for (const concurrency of opts.concurrencies) {
      const r = await runCell(() => OPENERS[transport](base), { ...opts, concurrency });
      rows.push({ target, transport, concurrency, ...r });
    }
  }
  return rows;
}

async function benchDirect(opts: GatewayBenchOptions): Promise<Row[]> {
  const client = await stdioClient(ECHO);
  try {
    const rows: Row[] = [];
    const warm = Math.max(...opts.concurrencies);
    await runCell(client.session, { concurrency: warm, durationMs: WARM_MS, warmupMs: 0 });
    for (const concurrency of opts.concurrencies) {
      const r = await runCell(client.session, { ...opts, concurrency });
      rows.push({ target: "direct", transport: "stdio", concurrency, ...r });
    }
    return rows;
  } finally {
    await client.close();
  }
}

type Peaks = GatewayBenchReport["peaks"];

async function benchCeiling(opts: GatewayBenchOptions, peaks: Peaks): Promise<Row[]> {
  const srv = await startListening(denoScript("bench/ceiling_server.ts"), "ceiling_server.ts");
  try {
    const sampler = samplePeak(srv.pid);
    const rows = await cells("ceiling", ["streamable"], srv.base, opts);
    peaks.ceiling = sampler.stop();
    return rows;
  } finally {
    await srv.stop();
  }
}

async function benchFloor(opts: GatewayBenchOptions, peaks: Peaks): Promise<Row[]> {
  const srv = await startListening(denoScript("bench/floor_bridge.ts", ...ECHO), "floor_bridge.ts");
  try {
    const sampler = samplePeak(srv.pid);
    const rows = await cells("floor", ["streamable", "sse"], srv.base, opts);
    peaks.floor = sampler.stop();
    return rows;
  } finally {
    await srv.stop();
  }
}

/** Bundles the gateway into `dir` the way it ships (`deno task bundle`); argv that runs it. */
async function shippedGateway(dir: string): Promise<string[]> {
  const out = `${dir}/nmcp-gateway.js`;
  const config = `${REPO_ROOT}/deno.json`;
  for (const [entry, file] of [["gateway/main.ts", out], ["lib/trace/_sdk.ts", `${dir}/_sdk.ts`]]) {
    if (!await bundle({ entry: `${REPO_ROOT}/${entry}`, out: file, split: false, config })) {
      throw new Error(`Cannot run bench "gateway": bundling ${entry} failed`);
    }
  }
  return [Deno.execPath(), "run", "-A", "--quiet", "--no-config", out];
}

async function benchOurs(
  opts: GatewayBenchOptions,
  peaks: Peaks,
  program: string[],
  target: "nmcp" | "nmcp_h0" = "nmcp",
) {
  const env = { DENO_V8_FLAGS: GATEWAY_V8_FLAGS };
  const extraArgs = target === "nmcp_h0" ? ["--header-timeout", "0"] : [];
  const gw: Running = await startGateway(ECHO, { program, env, extraArgs });
  try {
    await sleep(1000);
    const idle = await rssMiB(gw.pid);
    const sampler = samplePeak(gw.pid);
    const rows = await cells(target, ["streamable", "sse", "stateless"], gw.base, opts);
    peaks[target] = sampler.stop();
    await sleep(1000);
    const peak = await rssMiB(gw.pid, "VmHWM");
    return { rows, rss: { idle, afterLoad: await rssMiB(gw.pid), peak } };
  } finally {
    await gw.stop();
  }
}

/** Our gateway with tracing on, every span exported to a local OTLP receiver (Streamable HTTP). */
async function benchTraced(opts: GatewayBenchOptions, peaks: Peaks, program: string[]) {
  const receiver = startOtlpReceiver();
  const env = { DENO_V8_FLAGS: GATEWAY_V8_FLAGS, OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url };
  const gw: Running = await startGateway(ECHO, { program, env });
  try {
    await sleep(1000);
    const idleMiB = await rssMiB(gw.pid);
    const sampler = samplePeak(gw.pid);
    const rows = await cells("nmcp_traced", ["streamable"], gw.base, opts);
    peaks.nmcp_traced = sampler.stop();
    await gw.stop(); // SIGTERM flushes the last spans
    return { rows, traced: { idleMiB, spans: receiver.spans.length } };
  } finally {
    await gw.stop();
    await receiver.close();
  }
}

async function benchSupergateway(opts: GatewayBenchOptions, peaks: Peaks): Promise<Row[]> {
  const rows: Row[] = [];
  for (const mode of ["stateful", "sse"] as const) {
    const sg = await startSupergateway(ECHO, mode);
    try {
      const sampler = samplePeak(sg.pid);
      const transport = mode === "sse" ? "sse" : "streamable";
      rows.push(...await cells("supergateway", [transport], sg.base, opts));
      peaks[`supergateway_${mode}`] = sampler.stop();
    } finally {
      await sg.stop();
    }
  }
  return rows;
}

/**
 * Ratios the targets are judged by (throughput vs supergateway, p50 overhead vs direct), and
 * each bridge's throughput as a share of the do-nothing floor bridge's.
 */
export function ratios(rows: Row[], concurrencies: number[]): Record<string, number> {
  const find = (t: Row["target"], tr: Row["transport"], c: number) =>
    rows.find((r) => r.target === t && r.transport === tr && r.concurrency === c);
  const out: Record<string, number> = {};
  const round = (x: number) => Math.round(x * 100) / 100;
  for (const c of concurrencies) {
    for (const tr of ["streamable", "sse"] as const) {
      const ours = find("nmcp", tr, c), theirs = find("supergateway", tr, c);
      if (ours && theirs && theirs.rps > 0) {
        out[`${tr}_x_supergateway_c${c}`] = round(ours.rps / theirs.rps);
      }
    }
    for (const tr of ["streamable", "sse"] as const) {
      const floor = find("floor", tr, c);
      for (const t of ["nmcp", "supergateway"] as const) {
        const r = find(t, tr, c);
        if (floor && r && floor.rps > 0) {
          out[`${t}_${tr}_of_floor_c${c}`] = round(r.rps / floor.rps);
        }
      }
    }
    const ceiling = find("ceiling", "streamable", c), oursHttp = find("nmcp", "streamable", c);
    if (ceiling && oursHttp && ceiling.rps > 0) {
      out[`streamable_of_ceiling_c${c}`] = round(oursHttp.rps / ceiling.rps);
    }
    const traced = find("nmcp_traced", "streamable", c);
    if (traced && oursHttp && oursHttp.rps > 0) {
      out[`traced_of_untraced_c${c}`] = round(traced.rps / oursHttp.rps);
      out[`traced_p50_overhead_ms_c${c}`] = round(traced.p50Ms - oursHttp.p50Ms);
    }
    const direct = find("direct", "stdio", c);
    for (const tr of ["streamable", "stateless", "sse"] as const) {
      const ours = find("nmcp", tr, c);
      if (ours && direct) out[`${tr}_p50_overhead_ms_c${c}`] = round(ours.p50Ms - direct.p50Ms);
    }
    if (c === 1 && ceiling && direct) Object.assign(out, serialBound(ceiling, direct, find));
    for (const tr of ["streamable", "sse", "stateless"] as const) {
      const guarded = find("nmcp", tr, c), bare = find("nmcp_h0", tr, c);
      if (guarded && bare && bare.rps > 0) {
        out[`header_timeout_${tr}_c${c}`] = round(guarded.rps / bare.rps);
      }
    }
  }
  return out;
}

/**
 * At one session each call needs an HTTP round trip and a stdio round trip, one after the
 * other, so no gateway beats 1 / (1/ceiling + 1/direct) req/s; also as a multiple of each
 * supergateway cell (how far any gateway could get ahead of it here).
 */
function serialBound(
  ceiling: Row,
  direct: Row,
  find: (t: Row["target"], tr: Row["transport"], c: number) => Row | undefined,
): Record<string, number> {
  const bound = 1 / (1 / ceiling.rps + 1 / direct.rps);
  const out: Record<string, number> = { serial_bound_rps_c1: Math.round(bound) };
  for (const tr of ["streamable", "sse"] as const) {
    const theirs = find("supergateway", tr, 1);
    if (theirs && theirs.rps > 0) {
      out[`serial_bound_x_supergateway_${tr}_c1`] = Math.round((bound / theirs.rps) * 100) / 100;
    }
  }
  return out;
}

/** Median of `values` (mean of the middle two for an even count); 0 when empty. */
export function median(values: number[]): number {
  const v = [...values].sort((a, b) => a - b);
  if (v.length === 0) return 0;
  const mid = Math.floor(v.length / 2);
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Folds the rows of several rounds into one row per cell: medians, summed counts (pure). */
export function mergeRounds(rounds: Row[][]): Row[] {
  const key = (r: Row) => `${r.target}/${r.transport}/${r.concurrency}`;
  const cells = new Map<string, Row[]>();
  for (const r of rounds.flat()) cells.set(key(r), [...(cells.get(key(r)) ?? []), r]);
  return [...cells.values()].map((rs) => ({
    ...rs[0],
    requests: rs.reduce((n, r) => n + r.requests, 0),
    errors: rs.reduce((n, r) => n + r.errors, 0),
    rps: median(rs.map((r) => r.rps)),
    p50Ms: median(rs.map((r) => r.p50Ms)),
    p99Ms: median(rs.map((r) => r.p99Ms)),
  }));
}

async function oneRound(opts: GatewayBenchOptions, peaks: Peaks, program: string[] | null) {
  const rows = await benchDirect(opts);
  rows.push(...await benchCeiling(opts, peaks));
  rows.push(...await benchFloor(opts, peaks));
  let rss: GatewayBenchReport["rssMiB"];
  let traced: GatewayBenchReport["traced"];
  if (program) {
    const ours = await benchOurs(opts, peaks, program);
    rows.push(...ours.rows);
    rss = ours.rss;
    rows.push(...(await benchOurs(opts, peaks, program, "nmcp_h0")).rows);
    const on = await benchTraced(opts, peaks, program);
    rows.push(...on.rows);
    traced = on.traced;
  }
  rows.push(...await benchSupergateway(opts, peaks));
  return { rows, rss, traced };
}

/** Runs every cell (`rounds` times, medians reported) and returns the report. */
export async function benchGateway(opts: GatewayBenchOptions): Promise<GatewayBenchReport> {
  const peaks: Peaks = {};
  const rounds: Row[][] = [];
  let rss: GatewayBenchReport["rssMiB"];
  let traced: GatewayBenchReport["traced"];
  const dir = await Deno.makeTempDir({ prefix: "nmcp-bench-" });
  try {
    const program = gatewayPresent() ? await shippedGateway(dir) : null;
    for (let i = 0; i < (opts.rounds ?? 1); i++) {
      const round = await oneRound(opts, peaks, program);
      rounds.push(round.rows);
      rss ??= round.rss;
      traced ??= round.traced;
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  const rows = mergeRounds(rounds);
  return {
    date: new Date().toISOString(),
    cpus: navigator.hardwareConcurrency,
    durationMs: opts.durationMs,
    rounds: rounds.length,
    rows,
    rssMiB: rss,
    traced,
    peaks,
    ratios: ratios(rows, opts.concurrencies),
  };
}

/** Renders the report as an aligned table. */
export function renderTable(report: GatewayBenchReport): string {
  const head = ["TARGET", "TRANSPORT", "SESSIONS", "REQ/S", "P50 MS", "P99 MS", "ERRORS"];
  const body = report.rows.map((r) => [
    r.target,
    r.transport,
    String(r.concurrency),
    r.rps.toFixed(0),
    r.p50Ms.toFixed(3),
    r.p99Ms.toFixed(3),
    String(r.errors),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i].length)));
  const line = (cols: string[]) => cols.map((c, i) => c.padEnd(widths[i])).join("  ").trimEnd();
  const lines = [line(head), ...body.map(line), ""];
  lines.push(
    `${report.rounds} round(s) x ${report.durationMs} ms per cell (medians), ${report.cpus} CPUs`,
  );
  for (const [k, v] of Object.entries(report.ratios)) lines.push(`${k}: ${v}`);
  for (const [k, v] of Object.entries(report.peaks)) {
    lines.push(`peak ${k}: ${v.processes} processes, ${v.rssMiB} MiB RSS`);
  }
  if (report.rssMiB) {
    lines.push(
      `nmcp: gateway/main.ts bundled as it ships, run with deno run --no-config and ` +
        `DENO_V8_FLAGS=${GATEWAY_V8_FLAGS} as in its pods`,
    );
    lines.push(
      `nmcp idle RSS: ${report.rssMiB.idle} MiB (after load: ${report.rssMiB.afterLoad} MiB, ` +
        `peak ${report.rssMiB.peak} MiB; the sidecar's limit is 128 MiB)`,
    );
  } else lines.push("nmcp gateway: not present (gateway/main.ts missing), skipped");
  if (report.traced) {
    lines.push(
      `nmcp_traced: OTLP/HTTP to a local receiver, every request sampled; idle RSS ` +
        `${report.traced.idleMiB} MiB, ${report.traced.spans} spans received`,
    );
  }
  return lines.join("\n");
}

/** CLI entry: `bench gateway [--duration-ms 3000] [--concurrency 1,16] [--rounds 1]`. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      "duration-ms": { type: "string", default: "3000" },
      concurrency: { type: "string", default: "1,16" },
      rounds: { type: "string", default: "1" },
    },
  });
  const durationMs = Number(values["duration-ms"]);
  const concurrencies = values.concurrency.split(",").map(Number);
  const rounds = Number(values.rounds);
  if (!(durationMs > 0) || !(rounds >= 1) || concurrencies.some((c) => !(c >= 1))) {
    console.error(`Cannot run bench "gateway": bad --duration-ms, --rounds or --concurrency`);
    return 2;
  }
  const report = await benchGateway({ durationMs, concurrencies, rounds });
  console.log(renderTable(report));
  console.log(JSON.stringify({ bench: "gateway", ...report }));
  return report.rows.some((r) => r.errors > 0 && r.target !== "supergateway") ? 1 : 0;
}
