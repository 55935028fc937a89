/**
 * `deno task compile`: `deno compile`s the three programs into dist/bin/ (kubectl-nmcp,
 * nmcp-operator, nmcp-gateway). It needs Deno's runtime download (denort); when that fails
 * the error says so and the task fails: nothing is faked.
 */

/** `include`: modules imported by a computed specifier (the tracing SDK, loaded only when on). */
const PROGRAMS = [
  { entry: "cli/main.ts", name: "kubectl-nmcp", include: [] },
  { entry: "operator/main.ts", name: "nmcp-operator", include: ["lib/trace/_sdk.ts"] },
  { entry: "gateway/main.ts", name: "nmcp-gateway", include: ["lib/trace/_sdk.ts"] },
];

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

async function compile(entry: string, name: string, include: string[]): Promise<boolean> {
  if (!await exists(entry)) {
    console.error(`skip ${entry}: not there yet`);
    return true;
  }
  const out = `dist/bin/${name}`;
  const args = ["compile", "-A", "--quiet", ...include.flatMap((f) => ["--include", f])];
  args.push("--output", out, entry);
  const res = await new Deno.Command(Deno.execPath(), {
    args,
    stderr: "piped",
    env: { NO_COLOR: "1" },
  }).output();
  if (res.code === 0) {
    console.error(`compiled ${entry} -> ${out}`);
    return true;
  }
  // The cause chain ("0: Setting up base binary.", "1: error sending request for url …").
  const lines = new TextDecoder().decode(res.stderr).split("\n");
  const causes = lines.filter((l) => /^\s+\d+: /.test(l)).map((l) => l.trim()).slice(0, 2);
  const detail = causes.length > 0 ? causes.join(" ") : lines.find((l) => l.trim()) ?? "";
  console.error(
    `Cannot compile "${entry}": deno compile exited with ${res.code} (it downloads the denort ` +
      `runtime from dl.deno.land; without internet use "deno task bundle" instead): ${detail}`,
  );
  return false;
}

if (import.meta.main) {
  await Deno.mkdir("dist/bin", { recursive: true });
  let ok = true;
  for (const p of PROGRAMS) ok = (await compile(p.entry, p.name, p.include)) && ok;
  Deno.exit(ok ? 0 : 1);
}
