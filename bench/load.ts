/** Closed-loop load: N sessions each calling `echo` back to back for a fixed time. */
import type { BenchSession } from "./clients.ts";

/** Figures of one benchmark cell. */
export interface CellResult {
  requests: number;
  /** Calls that failed or came back with another session's payload. */
  errors: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

/** Options of {@linkcode runCell}. */
export interface CellOptions {
  /** Concurrent sessions. */
  concurrency: number;
  /** Measured time. */
  durationMs: number;
  /** Unmeasured calls first, per session, for at least this long (JIT warm-up). Default 500 ms. */
  warmupMs?: number;
}

/** The `p`-th percentile (0..100) of ascending `sorted` values, nearest rank; 0 when empty. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** Folds latencies (ms) and counts into a {@linkcode CellResult}. */
export function summarizeCell(latencies: number[], errors: number, elapsedMs: number): CellResult {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    requests: sorted.length,
    errors,
    rps: elapsedMs > 0 ? (sorted.length * 1000) / elapsedMs : 0,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
  };
}

/** Opens `concurrency` sessions, warms them up, then measures calls for `durationMs`. */
export async function runCell(
  open: () => Promise<BenchSession>,
  opts: CellOptions,
): Promise<CellResult> {
  const sessions = await Promise.all(Array.from({ length: opts.concurrency }, () => open()));
  const latencies: number[] = [];
  let errors = 0;
  const one = async (s: BenchSession, payload: string, record: boolean) => {
    const t0 = performance.now();
    try {
      const got = await s.call(payload);
      if (got !== payload) errors++;
      else if (record) latencies.push(performance.now() - t0);
    } catch {
      errors++;
    }
  };
  try {
    const warm = performance.now() + (opts.warmupMs ?? 500);
    await Promise.all(sessions.map(async (s, w) => {
      for (let i = 0; i < 20 || performance.now() < warm; i++) {
        await one(s, `w${w}-warm-${i}`, false);
      }
    }));
    errors = 0;
    const start = performance.now();
    const end = start + opts.durationMs;
    await Promise.all(sessions.map(async (s, w) => {
      for (let i = 0; performance.now() < end; i++) await one(s, `w${w}-${i}`, true);
    }));
    return summarizeCell(latencies, errors, performance.now() - start);
  } finally {
    await Promise.all(sessions.map((s) => s.close().catch(() => {})));
  }
}
