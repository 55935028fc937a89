/**
 * Shell completion as users get it: the scripts of `kubectl nmcp completion bash|zsh|fish`
 * loaded into real bash, zsh and fish complete both `kubectl-nmcp` and `kubectl nmcp`, and
 * kubectl's own plugin completion reaches bin/kubectl_complete-nmcp. No cluster is needed
 * (verbs and shells are static candidates).
 */

import assert from "node:assert/strict";
import { nmcp, pluginEnv, sh } from "./_cli_env.ts";

const home = await Deno.makeTempDir({ prefix: "nmcp-completion-" });
globalThis.addEventListener("unload", () => Deno.removeSync(home, { recursive: true }));
const env = await pluginEnv({ HOME: home });

async function script(shell: string): Promise<string> {
  const r = await nmcp(env, "completion", shell);
  assert.equal(r.code, 0, r.stderr);
  const file = `${home}/completion.${shell}`;
  await Deno.writeTextFile(file, r.stdout);
  return file;
}

Deno.test("completion bash completes kubectl-nmcp and kubectl nmcp, and hands kubectl's own words back", async () => {
  const file = await script("bash");
  const body = [
    `source ${file}`,
    "COMP_WORDS=(kubectl nmcp comp); COMP_CWORD=2; _kubectl_nmcp_kubectl",
    'echo "plugin:${COMPREPLY[*]}"',
    "COMP_WORDS=(kubectl-nmcp completion z); COMP_CWORD=2; _kubectl_nmcp",
    'echo "direct:${COMPREPLY[*]}"',
    "__start_kubectl() { COMPREPLY=(kubectl-own); }",
    "COMP_WORDS=(kubectl get); COMP_CWORD=1; _kubectl_nmcp_kubectl",
    'echo "other:${COMPREPLY[*]}"',
    "complete -p kubectl kubectl-nmcp",
  ].join("\n");
  const r = await sh(env, "bash", ["-c", body]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    "plugin:completion\ndirect:zsh\nother:kubectl-own\n" +
      "complete -o default -F _kubectl_nmcp_kubectl kubectl\n" +
      "complete -o default -F _kubectl_nmcp kubectl-nmcp\n",
  );
});

Deno.test("completion zsh registers both commands and describes candidates", async () => {
  const file = await script("zsh");
  // compsys is interactive-only: stand-ins record what the script registers and offers.
  const body = [
    'compdef() { print -r -- "compdef $*"; }',
    '_describe() { print -rl -- "${(@P)2}"; }',
    `source ${file}`,
    "words=(kubectl nmcp comp); CURRENT=3; _kubectl_nmcp_kubectl",
    'words=(kubectl-nmcp completion ""); CURRENT=3; _kubectl_nmcp',
  ].join("\n");
  const r = await sh(env, "zsh", ["-f", "-c", body]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(
    r.stdout,
    "compdef _kubectl_nmcp kubectl-nmcp\ncompdef _kubectl_nmcp_kubectl kubectl\n" +
      "completion:print a shell completion script\nbash\nzsh\nfish\n",
  );
});

Deno.test("completion fish completes kubectl-nmcp and kubectl nmcp", async () => {
  const file = await script("fish");
  const body =
    `source ${file}; complete -C "kubectl nmcp comp"; complete -C "kubectl-nmcp completion f"`;
  const r = await sh(env, "fish", ["--no-config", "-c", body]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, "completion\tprint a shell completion script\nfish\n");
});

Deno.test("kubectl's plugin completion runs bin/kubectl_complete-nmcp (what kubectl's bash, zsh and fish scripts call)", async () => {
  for (const mode of ["__complete", "__completeNoDesc"]) {
    const r = await sh(env, "kubectl", [mode, "nmcp", "completion", ""]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, "bash\nzsh\nfish\n:4\n", mode);
    assert.match(r.stderr, /kubectl_complete-nmcp/);
  }
  const verbs = await sh(env, "kubectl", ["__complete", "nmcp", "ver"]);
  assert.equal(
    verbs.stdout,
    "version\tprint the plugin's, API server's and operator's versions\n:4\n",
  );
});
