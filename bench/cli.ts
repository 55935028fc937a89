/**
 * `deno task bench cli`: start-up of `kubectl-nmcp --help` (bundle and source) and `ls`
 * against the harness API server. Targets: --help < 150 ms, ls < 400 ms.
 */

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const LAUNCHER = `${ROOT}/bin/kubectl-nmcp`;

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

async function timeRuns(
  cmd: string,
  args: string[],
  env: Record<string, string>,
  runs: number,
): Promise<Timing> {
  const samples: number[] = [];
  for (let i = 0; i < runs + 2; i++) {
    const t0 = performance.now();
    const out = await new Deno.Command(cmd, { args, env, stdout: "null", stderr: "piped" })
      .output();
    const ms = performance.now() - t0;
    if (!out.success) {
      throw new Error(
        `Cannot run "${cmd} ${args.join(" ")}": ${new TextDecoder().decode(out.stderr)}`,
      );
    }
    if (i >= 2) samples.push(ms);
  }
  return summarize(samples);
}

function line(label: string, t: Timing, target: number): string {
  const f = (n: number) => n.toFixed(1);
  const verdict = t.p50 < target ? "ok" : "OVER TARGET";
  return `${label.padEnd(34)} mean ${f(t.mean)} ms  p50 ${f(t.p50)} ms  min ${f(t.min)} ms  ` +
    `max ${f(t.max)} ms  (target < ${target} ms: ${verdict})`;
}

function denoEnv(extra: Record<string, string> = {}): Record<string, string> {
  const dir = Deno.execPath().replace(/\/[^/]*$/, "");
  return { ...Deno.env.toObject(), PATH: `${dir}:${Deno.env.get("PATH") ?? ""}`, ...extra };
}

interface Cluster {
  env(): Record<string, string>;
  stop(): Promise<void>;
}

async function benchLs(runs: number): Promise<string> {
  const spec = "../tests/harness/mod.ts";
  let harness: { startCluster: () => Promise<Cluster> };
  try {
    harness = await import(spec);
  } catch (err) {
    return `ls: skipped (cannot load tests/harness/mod.ts: ${(err as Error).message})`;
  }
  const cluster = await harness.startCluster();
  try {
    const env = denoEnv(cluster.env());
    const crds = await new Deno.Command(LAUNCHER, {
      args: ["export", "--type", "crd"],
      env,
      stdout: "piped",
    })
      .output();
    const apply = new Deno.Command("kubectl", {
      args: ["apply", "-f", "-"],
      env,
      stdin: "piped",
      stdout: "null",
    })
      .spawn();
    const w = apply.stdin.getWriter();
    await w.write(crds.stdout);
    await w.close();
    await apply.status;
    const docs = Array.from(
      { length: 20 },
      (_, i) =>
        `apiVersion: nmcp.nwrx.io/v1\nkind: MCPServer\nmetadata: {name: s${i}}\nspec: {image: mcp/everything}\n`,
    )
      .join("---\n");
    const file = await Deno.makeTempFile({ suffix: ".yaml" });
    await Deno.writeTextFile(file, docs);
    await timeRuns(LAUNCHER, ["apply", "-f", file], env, 0);
    await Deno.remove(file);
    return line("kubectl-nmcp ls (20 servers)", await timeRuns(LAUNCHER, ["ls"], env, runs), 400);
  } finally {
    await cluster.stop();
  }
}

/** Runs the CLI benchmarks; prints one line per measurement. */
export async function run(args: string[]): Promise<number> {
  const runs = Number(args[0] ?? 10);
  const bundled = await Deno.stat(`${ROOT}/dist/kubectl-nmcp/main.js`).then(
    () => true,
    () => false,
  );
  if (bundled) {
    console.log(
      line(
        "kubectl-nmcp --help (bundle)",
        await timeRuns(LAUNCHER, ["--help"], denoEnv(), runs),
        150,
      ),
    );
  } else {
    console.log("kubectl-nmcp --help (bundle): skipped (run deno task bundle first)");
  }
  const src = await timeRuns(
    Deno.execPath(),
    ["run", "-A", `${ROOT}/cli/main.ts`, "--help"],
    denoEnv(),
    runs,
  );
  console.log(line("deno run cli/main.ts --help", src, 150));
  console.log(await benchLs(runs));
  return 0;
}

export default run;

if (import.meta.main) Deno.exit(await run(Deno.args));
