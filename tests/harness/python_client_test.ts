import assert from "node:assert/strict";
import { startApiServer } from "./apiserver/mod.ts";

/** Debian's interpreter: python3-kubernetes installs for it, not for a pyenv on PATH. */
const PYTHON = "/usr/bin/python3";
const SCRIPT = new URL("./apiserver/testdata/python_client.py", import.meta.url).pathname;

async function requirePythonClient(): Promise<void> {
  const probe = await new Deno.Command(PYTHON, {
    args: ["-c", "import kubernetes"],
    stdout: "null",
    stderr: "null",
  }).output().catch(() => undefined);
  if (!probe?.success) {
    throw new Error(
      `Cannot run the Python client test: ${PYTHON} cannot import kubernetes; ` +
        "install it with: apt-get install -y python3-kubernetes (.ci/run does)",
    );
  }
}

Deno.test("the official Python client lists, watches (watch=True), patches and uses custom objects", async () => {
  await requirePythonClient();
  const api = await startApiServer();
  try {
    const run = await new Deno.Command(PYTHON, {
      args: [SCRIPT, api.kubeconfigPath, "default"],
      stdout: "piped",
      stderr: "piped",
      signal: AbortSignal.timeout(60_000),
    }).output();
    const stderr = new TextDecoder().decode(run.stderr);
    assert.equal(run.code, 0, stderr);
    const out = JSON.parse(new TextDecoder().decode(run.stdout));
    assert.deepEqual(out.patched, { a: "1", b: "2" });
    assert.ok(out.listed.includes("py-cm"), out.listed);
    assert.deepEqual(out.events, [
      ["ADDED", { a: "1" }],
      ["MODIFIED", { a: "1", b: "2" }],
      ["DELETED", { a: "1", b: "2" }],
    ]);
    assert.equal(out.conflict, 409);
    assert.deepEqual(out.custom, { size: 2 });
    assert.deepEqual(out.customListed, ["w1"]);
    assert.deepEqual(out.customEvents, [
      ["ADDED", { size: 1 }],
      ["MODIFIED", { size: 2 }],
      ["DELETED", { size: 2 }],
    ]);
  } finally {
    await api.stop();
  }
});
