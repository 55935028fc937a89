/**
 * The README's set-up on a bare machine: a scratch clone of this repository's HEAD, a PATH with
 * no deno and no busybox (symlinks to everything else in the system directories), the npm cache
 * of the machine (where `npx -y deno@2.9.6` keeps Deno). Then:
 * - with `cc` and `apt-get` gone too, `deno task demo` stops at once with one line naming
 *   what is missing and how to get it;
 * - `deno task demo` runs every step and leaves no process behind; `deno task test <file>`
 *   ends with its `N passed, 0 failed` line (both build the plugin bundle when missing);
 * - `kubectl nmcp --help` through kubectl's dispatch runs Deno directly (timed, printed);
 * - SIGTERM to a running `kubectl nmcp connect` ends the real process and frees its port.
 */
import assert from "node:assert/strict";
import { everything, startOperatorEnv } from "../integration/operator_env.ts";
import { readUntil } from "../../scripts/demo/shell.ts";
import {
  alive,
  type Output,
  percentile,
  podProcesses,
  processTree,
  runIn,
  strippedPath,
} from "./_bare.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const NPX_DENO = ["npx", "-y", "deno@2.9.6"];
const HOME = Deno.env.get("HOME") ?? "/root";

/**
 * The machine's own environment (CA bundles, HOME and so the npm cache) as a user's shell has
 * it: without what `npx` and the test runner put there (npm_*, INIT_CWD, NMCP_*).
 */
function shellEnv(): Record<string, string> {
  const own = /^(npm_|INIT_CWD$|NMCP_)/i;
  return Object.fromEntries(Object.entries(Deno.env.toObject()).filter(([k]) => !own.test(k)));
}

const said = (o: Output) =>
  `exit ${o.code}\nstdout:\n${o.stdout}\nstderr:\n${o.stderr.slice(-4000)}`;

Deno.test("the README's commands work on a machine with only npx, and kubectl nmcp is fast", async (t) => {
  const scratch = await Deno.makeTempDir({ prefix: "nmcp-bare-" });
  // As a clone anywhere others may enter: Deno in harness pods (uid 65532) re-downloads every npm
  // package for a repository below a directory they cannot search (the set-up warns of that).
  await Deno.chmod(scratch, 0o755);
  const clone = `${scratch}/nmcp`;
  try {
    const cloned = await runIn(ROOT, { PATH: "/usr/bin:/bin", HOME }, [
      "git",
      "clone",
      "--quiet",
      ROOT,
      clone,
    ], 60_000);
    assert.equal(cloned.code, 0, said(cloned));
    const bare = await strippedPath(`${scratch}/path`, ["deno", "busybox"]);
    const env = (path: string) => ({ ...shellEnv(), PATH: path, NO_COLOR: "1" });

    await t.step("missing cc with no apt-get: the demo says so in one line", async () => {
      const noCc = await strippedPath(`${scratch}/path-no-cc`, [
        "deno",
        "busybox",
        "cc",
        "apt-get",
      ]);
      const out = await runIn(clone, env(noCc), [...NPX_DENO, "task", "demo"], 180_000);
      assert.equal(out.code, 1, said(out));
      const line = 'Cannot set up "demo": missing cc (apt-get install gcc libc6-dev)';
      assert.ok(out.stdout.split("\n").includes(`Demo failed in the set-up: ${line}`), said(out));
    });

    await t.step("deno task demo runs every step and leaves no process behind", async () => {
      const before = await podProcesses();
      const out = await runIn(clone, env(bare), [...NPX_DENO, "task", "demo"], 420_000);
      assert.equal(out.code, 0, said(out));
      assert.match(out.stderr, /setup: building dist\/kubectl-nmcp/);
      assert.match(out.stdout, /Demo complete: every step did what it said/);
      assert.equal((out.stdout.match(/✓/g) ?? []).length, 7, "seven steps, each confirmed");
      assert.match(out.stdout, /tools\/call echo → "Echo: hello from the nmcp demo"/);
      assert.match(out.stdout, /Queued: Waiting for a free slot in pool "default"/);
      const left = [...await podProcesses()].filter((p) => !before.has(p));
      assert.deepEqual(left, [], "no pod process outlives the demo");
    });

    await t.step(
      "deno task test with a file runs just it, on the bundle already built",
      async () => {
        const args = [...NPX_DENO, "task", "test", "scripts/setup/plan_test.ts"];
        const out = await runIn(clone, env(bare), args, 180_000);
        assert.equal(out.code, 0, said(out));
        assert.match(out.stdout.trim().split("\n").at(-1)!, /^[1-9]\d* passed, 0 failed$/);
        assert.doesNotMatch(out.stderr, /setup: building/, "a fresh bundle is not rebuilt");
      },
    );

    const plugin = env(`${clone}/bin:${bare}`);
    await t.step("kubectl nmcp --help through kubectl's dispatch", async () => {
      const time = async (cmd: string[], runs: number) => {
        const ms: number[] = [];
        for (let i = 0; i < runs + 2; i++) {
          const t0 = performance.now();
          const out = await runIn(scratch, plugin, cmd, 30_000);
          assert.equal(out.code, 0, said(out));
          if (i >= 2) ms.push(performance.now() - t0);
        }
        return ms;
      };
      const help = await time(["kubectl", "nmcp", "--help"], 15);
      const kubectl = await time(["kubectl", "version", "--client"], 15);
      const f = (ms: number[]) =>
        `p50 ${percentile(ms, 50).toFixed(0)} ms, p90 ${percentile(ms, 90).toFixed(0)} ms`;
      console.log(`kubectl nmcp --help: ${f(help)} (kubectl version --client: ${f(kubectl)})`);
      // Through npx it takes 2 s or more; the launcher runs Deno directly (target 150 ms quiet).
      assert.ok(percentile(help, 50) < 1500, `kubectl nmcp --help ${f(help)}`);
    });

    await t.step("SIGTERM to kubectl nmcp connect ends deno and frees its port", async () => {
      await sigtermConnect(plugin);
    });
  } finally {
    await Deno.remove(scratch, { recursive: true }).catch(() => {});
  }
});

/** Runs `kubectl nmcp connect` with `plugin`'s PATH on an operator-managed server, then SIGTERMs it. */
async function sigtermConnect(plugin: Record<string, string>): Promise<void> {
  const e = await startOperatorEnv();
  let connect: Deno.ChildProcess | undefined;
  try {
    await e.startOperator();
    const env = { ...e.env, PATH: plugin.PATH, HOME: plugin.HOME };
    await e.k(["apply", "--validate=false", "-f", "-"], everything("everything"));
    connect = new Deno.Command("kubectl", {
      args: ["nmcp", "connect", "everything", "--timeout", "90"],
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "inherit",
    }).spawn();
    const out = await readUntil(
      connect.stdout,
      /MCP endpoint: http:\/\/127\.0\.0\.1:(\d+)\//,
      120_000,
    );
    const port = Number(out.match[1]);
    // kubectl execs the plugin, the launcher execs Deno: one process, Deno itself.
    assert.match(await Deno.readLink(`/proc/${connect.pid}/exe`), /\/deno$/);
    const tree = processTree(connect.pid);
    connect.kill("SIGTERM");
    const timer = setTimeout(() => connect?.kill("SIGKILL"), 15_000);
    const status = await connect.status;
    clearTimeout(timer);
    connect = undefined;
    await out.rest.cancel().catch(() => {});
    assert.notEqual(status.signal, "SIGKILL", "it ended on SIGTERM, not on the fallback kill");
    assert.deepEqual(await alive(tree), [], "no process of the plugin outlives it");
    const listener = Deno.listen({ hostname: "127.0.0.1", port });
    listener.close();
  } finally {
    connect?.kill("SIGKILL");
    await connect?.status;
    await e.close();
  }
}
