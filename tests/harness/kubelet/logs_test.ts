import assert from "node:assert/strict";
import { followLog, LogWriter, parseLogLines, renderLog, rfc3339Nano } from "./logs.ts";

Deno.test("LogWriter writes CRI lines that renderLog() tails and timestamps", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/0.log`;
    let t = Date.parse("2026-01-01T00:00:00Z");
    const w = new LogWriter(await Deno.open(path, { create: true, append: true }), () => {
      t += 1000;
      return new Date(t);
    });
    w.write("stdout", "one\ntw");
    w.write("stdout", "o\nthree\n");
    w.write("stderr", "partial");
    w.close();
    const lines = parseLogLines(await Deno.readTextFile(path));
    assert.deepEqual(lines.map((l) => l.text), ["one\n", "two\n", "three\n", "partial"]);
    assert.equal(renderLog(lines, { tailLines: 2 }, new Date(t)), "three\npartial");
    assert.equal(
      renderLog(lines, { tailLines: 1, timestamps: true }, new Date(t)),
      `${rfc3339Nano(new Date(t))} partial`,
    );
    assert.equal(renderLog(lines, { sinceSeconds: 2 }, new Date(t)), "two\nthree\npartial");
    const since = new Date(t - 2000).toISOString();
    assert.equal(renderLog(lines, { sinceTime: since }, new Date(t)), "two\nthree\npartial");
    assert.equal(renderLog(lines, { limitBytes: 6 }, new Date(t)), "one\ntw");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("followLog() streams new lines until the container stops", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const path = `${dir}/0.log`;
    const w = await LogWriter.open(path);
    w.write("stdout", "a\n");
    let live = true;
    const reader = followLog(path, {}, () => live, 10).pipeThrough(new TextDecoderStream())
      .getReader();
    assert.equal((await reader.read()).value, "a\n");
    w.write("stdout", "b\n");
    assert.equal((await reader.read()).value, "b\n");
    w.close();
    live = false;
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      assert.fail(`unexpected ${r.value}`);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
