/**
 * `deno task bench cli [runs]`: `kubectl nmcp` as the README sets it up (bin/ on PATH, no deno on
 * PATH: the launcher runs the Deno npx fetched, on the bundle the set-up builds) against the
 * harness with the operator, each beside kubectl's own `get` in the same run:
 * `--help` (target < 150 ms), `ls` with 20 servers (target < 400 ms), and `connect` to the first
 * tool result of an MCP client (server warm; the first, cold wake is printed apart).
 */

// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { readUntil } from "../scripts/demo/shell.ts";
import { ensureBundle } from "../scripts/setup.ts";
import { everything, startOperatorEnv } from "../tests/integration/operator_env.ts";

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const SERVERS = 20;

/** Summary of repeated timings in milliseconds. */
export interface Timing {
  mean: number;
  p50: number;
  min: number;
  max: number;
}

/** Summarizes samples (ms). */
export function summarize(samples: number[]): Timing {
  const s = [...samples].sort((a, b) => a - b);
  const mean = s.reduce((a, b) => a + b, 0) / s.length;
  return { mean, p50: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

/** One row: `label`, its p50 and its ratio to kubectl's `get` p50, and the target verdict. */
export function row(label: string, t: Timing, baseline: Timing, target?: number): string {
  const ratio = `${(t.p50 / baseline.p50).toFixed(2)}× kubectl get`;
  const verdict = target === undefined
    ? ""
    : `  (target < ${target} ms: ${t.p50 < target ? "ok" : "OVER TARGET"})`;
  return `${label.padEnd(44)} p50 ${t.p50.toFixed(0).padStart(5)} ms  min ${
    t.min.toFixed(0).padStart(5)
  }  max ${t.max.toFixed(0).padStart(5)}  ${ratio}${verdict}`;
}

async function timeRuns(argv: string[], env: Record<string, string>, runs: number) {
  const samples: number[] = [];
  for (let i = 0; i < runs + 1; i++) {
    const t0 = performance.now();
    const out = await new Deno.Command(argv[0], {
      args: argv.slice(1),
      env,
      clearEnv: true,
      stdout: "null",
      stderr: "piped",
    }).output();
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr);
      throw new Error(`Cannot run "${argv.join(" ")}": exit ${out.code}: ${err}`);
    }
    if (i > 0) samples.push(performance.now() - t0); // the first run warms caches
  }
  return summarize(samples);
}

/** `kubectl nmcp connect NAME` until a tool answers through the printed URL (ms). */
async function connectOnce(env: Record<string, string>, name: string): Promise<number> {
  const t0 = performance.now();
  const child = new Deno.Command("kubectl", {
    args: ["nmcp", "connect", name, "--timeout", "120"],
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  try {
    const out = await readUntil(child.stdout, /MCP endpoint: (http:\/\/\S+)/, 150_000);
    const transport = new StreamableHTTPClientTransport(new URL(out.match[1]));
    const client = new Client({ name: "bench-cli", version: "1" });
    await client.connect(transport);
    await client.callTool({ name: "echo", arguments: { message: "x" } });
    const ms = performance.now() - t0;
    await transport.terminateSession().catch(() => {});
    await client.close();
    await out.rest.cancel().catch(() => {});
    return ms;
  } finally {
    child.kill("SIGTERM");
    await child.status;
  }
}

/** Runs the CLI benchmarks; prints one line per measurement. */
export async function run(args: string[]): Promise<number> {
  const runs = Math.max(1, Number(args[0] ?? 10));
  const built = await ensureBundle(ROOT, (l) => console.error(l));
  if (built) console.error(`cli: ${built}`);
  const e = await startOperatorEnv();
  try {
    await e.startOperator();
    const home = Deno.env.get("HOME") ?? "/root";
    // No deno on PATH: the launcher finds the one npx fetched through npm's cache setting.
    const env = {
      ...e.env,
      PATH: `${ROOT}/bin:/usr/local/bin:/usr/bin:/bin`,
      npm_config_cache: Deno.env.get("npm_config_cache") ?? `${home}/.npm`,
    };
    const items = Array.from({ length: SERVERS }, (_, i) => JSON.parse(everything(`s${i}`)));
    await e.k(
      ["apply", "--validate=false", "-f", "-"],
      JSON.stringify({ apiVersion: "v1", kind: "List", items }),
    );
    // kubectl's own plugin dispatch, the floor under any `kubectl nmcp`: a plugin that exits 0.
    const floorDir = await Deno.makeTempDir({ prefix: "nmcp-floor-" });
    await Deno.writeTextFile(`${floorDir}/kubectl-nmcpfloor`, "#!/bin/sh\nexit 0\n", {
      mode: 0o755,
    });
    const floorEnv = { ...env, PATH: `${floorDir}:${env.PATH}` };
    const floor = await timeRuns(["kubectl", "nmcpfloor"], floorEnv, runs);
    await Deno.remove(floorDir, { recursive: true });
    const direct = await timeRuns(["kubectl-nmcp", "--help"], env, runs);
    const get = await timeRuns(["kubectl", "get", "mcpservers"], env, runs);
    const pods = await timeRuns(["kubectl", "get", "pods"], env, runs);
    const help = await timeRuns(["kubectl", "nmcp", "--help"], env, runs);
    const ls = await timeRuns(["kubectl", "nmcp", "ls"], env, runs);
    const cold = await connectOnce(env, "s0");
    const warm: number[] = [];
    for (let i = 0; i < Math.min(runs, 5); i++) warm.push(await connectOnce(env, "s0"));
    console.log(row(`kubectl get mcpservers (${SERVERS}) [baseline]`, get, get));
    console.log(row("kubectl get pods", pods, get));
    console.log(row("kubectl nmcp --help", help, get, 150));
    console.log(row("  kubectl dispatch floor (plugin: exit 0)", floor, get));
    console.log(row("  kubectl-nmcp --help (launcher, no kubectl)", direct, get));
    console.log(`${"  --help above the floor".padEnd(44)} ${(help.p50 - floor.p50).toFixed(0)} ms`);
    console.log(row(`kubectl nmcp ls (${SERVERS} servers)`, ls, get, 400));
    console.log(row("kubectl nmcp connect → first tool result", summarize(warm), get));
    console.log(`${"  (cold: wake the server first)".padEnd(44)} ${cold.toFixed(0)} ms`);
    return 0;
  } finally {
    await e.close();
  }
}

export default run;

if (import.meta.main) Deno.exit(await run(Deno.args));
