/**
 * Runs the whole test suite with `deno test` and ends by printing one line
 * `N passed, N failed` (counted from the JUnit report, not from Deno's summary).
 *
 * Extra arguments are passed to `deno test` (e.g. a path or `--filter`). First the set-up
 * (scripts/setup.ts) installs what the machine lacks and builds the plugin bundle; what it
 * cannot install fails the whole suite in one line (a run given paths only warns).
 */

import { setUp } from "./setup.ts";

const REPORT_DIR = ".test-results";
const REPORT = `${REPORT_DIR}/junit.xml`;

/** Counts of one run, read from a JUnit XML report. */
export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
}

/** Reads the pass/fail/skip counts from the root of a Deno JUnit report. */
export function tallyJunit(xml: string): Tally {
  let passed = 0, failed = 0, skipped = 0;
  for (const m of xml.matchAll(/<testcase\b[^>]*?(\/>|>([\s\S]*?)<\/testcase>)/g)) {
    const body = m[2] ?? "";
    if (/<(failure|error)\b/.test(body)) failed++;
    else if (/<skipped\b/.test(body)) skipped++;
    else passed++;
  }
  return { passed, failed, skipped };
}

async function main(): Promise<number> {
  const missing = await setUp("test");
  if (missing) console.error(missing);
  if (missing && Deno.args.length === 0) {
    console.log("0 passed, 1 failed");
    return 1;
  }
  await Deno.mkdir(REPORT_DIR, { recursive: true });
  await Deno.remove(REPORT).catch(() => {});
  const args = Deno.args.length > 0 ? Deno.args : [];
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["test", "-A", `--junit-path=${REPORT}`, ...args],
    stdin: "null",
    stdout: "inherit",
    stderr: "inherit",
  });
  const { code } = await cmd.output();
  let tally: Tally = { passed: 0, failed: 0, skipped: 0 };
  try {
    tally = tallyJunit(await Deno.readTextFile(REPORT));
  } catch {
    // No report: the run failed before any test (e.g. a type error).
  }
  if (code !== 0 && tally.failed === 0) tally.failed = 1;
  const skipped = tally.skipped > 0 ? `, ${tally.skipped} skipped` : "";
  console.log(`${tally.passed} passed, ${tally.failed} failed${skipped}`);
  return code;
}

if (import.meta.main) Deno.exit(await main());
