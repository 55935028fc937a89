/** bin/kubectl-nmcp and bin/kubectl_complete-nmcp work when linked onto PATH (as krew links). */
import assert from "node:assert/strict";
import { ROOT } from "./_cli_env.ts";

Deno.test("the launchers find the repository through symlinks on PATH", async () => {
  const dir = await Deno.makeTempDir({ prefix: "nmcp-launcher-" });
  try {
    for (const name of ["kubectl-nmcp", "kubectl_complete-nmcp"]) {
      await Deno.symlink(`${ROOT}/bin/${name}`, `${dir}/${name}`);
    }
    const env = { NMCP_DENO: Deno.execPath(), NMCP_FROM_SOURCE: "1", PATH: "/usr/bin:/bin" };
    const run = async (name: string, ...args: string[]) => {
      const out = await new Deno.Command(`${dir}/${name}`, { args, env, cwd: dir }).output();
      return { code: out.code, stdout: new TextDecoder().decode(out.stdout) };
    };
    const help = await run("kubectl-nmcp", "--help");
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: kubectl nmcp /);
    const completion = await run("kubectl_complete-nmcp", "");
    assert.equal(completion.code, 0);
    assert.match(completion.stdout, /^connect\t/m);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
