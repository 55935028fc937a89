import assert from "node:assert/strict";
import { ContainerProcess, findHostTools } from "./process.ts";
import { parseLogLines } from "./logs.ts";

Deno.test("ContainerProcess runs in its own group, logs output and kills every child on stop", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const tools = await findHostTools();
    const p = await ContainerProcess.start({
      argv: ["/bin/sh", "-c", "echo out; echo err >&2; sleep 30 & sleep 30; echo never"],
      env: { PATH: "/usr/bin:/bin" },
      workingDir: "/",
      mounts: [],
      stdin: false,
      logPath: `${dir}/0.log`,
    }, tools);
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      const lines = parseLogLines(await Deno.readTextFile(`${dir}/0.log`));
      if (lines.length >= 2) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const exit = await p.stop(2000);
    assert.equal(exit.exitCode, 128 + 15);
    const lines = parseLogLines(await Deno.readTextFile(`${dir}/0.log`));
    assert.deepEqual(lines.map((l) => `${l.stream}:${l.text}`).sort(), [
      "stderr:err\n",
      "stdout:out\n",
    ]);
    const ps = await new Deno.Command("ps", {
      args: ["-o", "pid=", "-g", String(p.pid)],
      stdout: "piped",
    })
      .output();
    const alive = new TextDecoder().decode(ps.stdout).trim();
    const zombies = alive
      ? (await Promise.all(
        alive.split(/\s+/).map(async (pid) =>
          (await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "x Z")).split(" ")[2]
        ),
      ))
      : [];
    assert.ok(zombies.every((s) => s === "Z"), `processes left: ${alive}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ContainerProcess passes stdin through and reports the exit code", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const p = await ContainerProcess.start({
      argv: ["/bin/sh", "-c", "read x; echo got $x; exit 3"],
      env: { PATH: "/usr/bin:/bin" },
      workingDir: "/",
      mounts: [],
      stdin: true,
      logPath: `${dir}/0.log`,
    }, await findHostTools());
    const seen: string[] = [];
    p.onOutput((_s, b) => seen.push(new TextDecoder().decode(b)));
    await p.writeStdin(new TextEncoder().encode("hello\n"));
    assert.deepEqual(await p.exited, { exitCode: 3, signal: undefined });
    assert.equal(seen.join(""), "got hello\n");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
