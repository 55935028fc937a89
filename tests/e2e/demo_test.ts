/**
 * `deno task demo`, as README tells a newcomer to run it: it must exit 0 having done every
 * step, and leave no pod process behind.
 */
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;

/** PIDs of processes started as harness pod containers (the netshim env marks them). */
async function podProcesses(): Promise<Set<number>> {
  const pids = new Set<number>();
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    try {
      const env = await Deno.readTextFile(`/proc/${e.name}/environ`);
      if (env.includes("NMCP_POD_IP=")) pids.add(Number(e.name));
    } catch {
      // gone, or not ours to read
    }
  }
  return pids;
}

Deno.test("deno task demo runs every step and leaves no process behind", async () => {
  const before = await podProcesses();
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["task", "demo"],
    cwd: ROOT,
    env: { NO_COLOR: "1" },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder().decode(out.stdout);
  const errText = new TextDecoder().decode(out.stderr);
  assert.equal(out.code, 0, `demo failed:\n${text}\n${errText.slice(-4000)}`);
  assert.match(text, /Demo complete: every step did what it said/);
  assert.equal((text.match(/✓/g) ?? []).length, 7, "seven steps, each confirmed");
  assert.match(text, /tools\/call echo → "Echo: hello from the nmcp demo"/);
  assert.match(text, /Queued: Waiting for a free slot in pool "default"/);
  const left = [...await podProcesses()].filter((p) => !before.has(p));
  assert.deepEqual(left, [], "no pod process outlives the demo");
});
