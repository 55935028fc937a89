import assert from "node:assert/strict";
import {
  closedAncestor,
  ensureBundle,
  ensurePackages,
  has,
  setUp,
  sourceFingerprint,
} from "./setup.ts";
import type { Requirement } from "./setup/plan.ts";

const tool = (name: string, probe: Requirement["probe"]): Requirement => ({
  name,
  probe,
  packages: [`${name}-pkg`],
  for: ["demo"],
});

Deno.test("has() finds files, commands on PATH and runs that succeed", async () => {
  assert.equal(await has(tool("sh", { files: ["/nonexistent/sh", "/bin/sh"] })), true);
  assert.equal(await has(tool("x", { files: ["/nonexistent/x"] })), false);
  assert.equal(await has(tool("sh", { command: "sh" })), true);
  assert.equal(await has(tool("x", { command: "nmcp-no-such-command" })), false);
  assert.equal(await has(tool("t", { run: ["sh", "-c", "exit 0"] })), true);
  assert.equal(await has(tool("f", { run: ["sh", "-c", "exit 3"] })), false);
  assert.equal(await has(tool("n", { run: ["/nonexistent/cmd"] })), false);
});

Deno.test("ensurePackages() names what is missing in one line when it may not install", async () => {
  const dir = await Deno.makeTempDir({ prefix: "nmcp-setup-" });
  const before = Deno.env.get("NMCP_NO_INSTALL");
  Deno.env.set("NMCP_NO_INSTALL", "1");
  try {
    const requirements = [
      tool("frob", { files: [`${dir}/frob`] }),
      tool("sh", { command: "sh" }),
      { ...tool("other", { files: [`${dir}/other`] }), for: ["test" as const] },
    ];
    const lines: string[] = [];
    const log = (l: string) => lines.push(l);
    assert.equal(
      await setUp("demo", { requirements, log, bundle: false }),
      'Cannot set up "demo": missing frob (apt-get install frob-pkg)',
    );
    await Deno.writeTextFile(`${dir}/frob`, "");
    assert.equal(await ensurePackages("demo", { requirements, log }), undefined);
    assert.deepEqual(lines, [], "nothing installed, nothing said");
  } finally {
    if (before === undefined) Deno.env.delete("NMCP_NO_INSTALL");
    else Deno.env.set("NMCP_NO_INSTALL", before);
    await Deno.remove(dir, { recursive: true });
  }
});

async function tinyRepo(): Promise<string> {
  const root = await Deno.makeTempDir({ prefix: "nmcp-setup-repo-" });
  await Deno.mkdir(`${root}/cli`);
  await Deno.writeTextFile(`${root}/deno.json`, "{}\n");
  await Deno.writeTextFile(`${root}/cli/main.ts`, 'console.log("one");\n');
  return root;
}

Deno.test("sourceFingerprint() changes with the sources, not with their tests", async () => {
  const root = await tinyRepo();
  try {
    const first = await sourceFingerprint(root);
    await Deno.writeTextFile(`${root}/cli/main_test.ts`, "// a test\n");
    assert.equal(await sourceFingerprint(root), first);
    await Deno.mkdir(`${root}/lib`);
    await Deno.writeTextFile(`${root}/lib/x.ts`, "export const x = 1;\n");
    assert.notEqual(await sourceFingerprint(root), first);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("ensureBundle() builds dist/kubectl-nmcp when missing or stale, else does nothing", async () => {
  const root = await tinyRepo();
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  const run = async () => {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "--no-config", `${root}/dist/kubectl-nmcp/main.js`],
      stdout: "piped",
    }).output();
    return new TextDecoder().decode(out.stdout).trim();
  };
  try {
    assert.equal(await ensureBundle(root, log), undefined);
    assert.equal(await run(), "one");
    assert.equal(lines.length, 1);
    assert.equal(await ensureBundle(root, log), undefined);
    assert.equal(lines.length, 1, "a fresh bundle is not rebuilt");
    await Deno.writeTextFile(`${root}/cli/main.ts`, 'console.log("two");\n');
    assert.equal(await ensureBundle(root, log), undefined);
    assert.equal(lines.length, 2);
    assert.equal(await run(), "two");
    await Deno.writeTextFile(`${root}/cli/main.ts`, "this is not TypeScript (\n");
    assert.match((await ensureBundle(root, log))!, /^Cannot build "dist\/kubectl-nmcp": /);
    const left = await Deno.stat(`${root}/dist/kubectl-nmcp`).then(() => true, () => false);
    assert.equal(left, false, "a stale bundle is removed: the launcher runs the source");
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("closedAncestor() names a directory above the clone that others cannot enter", async () => {
  const top = await Deno.makeTempDir({ prefix: "nmcp-setup-closed-" });
  try {
    await Deno.mkdir(`${top}/repo`);
    await Deno.chmod(top, 0o755);
    assert.equal(await closedAncestor(`${top}/repo`), undefined);
    await Deno.chmod(top, 0o700);
    assert.match((await closedAncestor(`${top}/repo`))!, new RegExp(`^setup: "${top}" is closed`));
  } finally {
    await Deno.remove(top, { recursive: true });
  }
});
