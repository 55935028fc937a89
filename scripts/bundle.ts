/**
 * `deno task bundle`: bundles the three programs into dist/.
 * - cli/main.ts → dist/kubectl-nmcp/main.js (code-split: each verb is its own chunk, and the
 *   chunk imports are rewritten so Deno does not pre-load every chunk at start-up)
 * - operator/main.ts → dist/nmcp-operator.js, gateway/main.ts → dist/nmcp-gateway.js
 * - lib/trace/_sdk.ts → dist/_sdk.ts (the OpenTelemetry SDK both load beside them, only when
 *   tracing is on)
 * Entries that do not exist yet are skipped with a message.
 */

/** One program to bundle. */
export interface BundleTarget {
  entry: string;
  /** Output file (single bundle) or directory (code-split). */
  out: string;
  split: boolean;
  /** deno.json to use (default: discovered from the working directory). */
  config?: string;
  /** A module the programs import at run time (no `--help` of its own). */
  library?: boolean;
}

/** The programs and where their bundles go. */
export const TARGETS: BundleTarget[] = [
  { entry: "cli/main.ts", out: "dist/kubectl-nmcp", split: true },
  { entry: "operator/main.ts", out: "dist/nmcp-operator.js", split: false },
  { entry: "gateway/main.ts", out: "dist/nmcp-gateway.js", split: false },
  { entry: "lib/trace/_sdk.ts", out: "dist/_sdk.ts", split: false, library: true },
];

/**
 * Rewrites `import("./chunk.js")` to `import(new URL("./chunk.js", import.meta.url).href)`.
 * Deno loads and parses every statically known dynamic import when a program starts; hiding
 * the specifier keeps start-up to the entry chunk (measured: 136 ms → 73 ms for `--help`).
 */
export function deferChunkImports(code: string): string {
  return code.replace(
    /import\("(\.\/[^"]+\.js)"\)/g,
    'import(new URL("$1", import.meta.url).href)',
  );
}

async function exists(path: string): Promise<boolean> {
  return await Deno.stat(path).then(() => true, () => false);
}

/** Bundles one target; false (with a message on stderr) when `deno bundle` fails. */
export async function bundle(t: BundleTarget): Promise<boolean> {
  if (!await exists(t.entry)) {
    console.error(`skip ${t.entry}: not there yet`);
    return true;
  }
  await Deno.remove(t.out, { recursive: true }).catch(() => {});
  const args = ["bundle", "--platform", "deno", "--quiet"];
  if (t.config) args.push("--config", t.config);
  args.push(...(t.split ? ["--code-splitting", "--outdir", t.out] : ["-o", t.out]), t.entry);
  const { code } = await new Deno.Command(Deno.execPath(), { args }).spawn().status;
  if (code !== 0) {
    console.error(`Cannot bundle "${t.entry}": deno bundle exited with ${code}`);
    return false;
  }
  if (t.split) {
    for await (const f of Deno.readDir(t.out)) {
      if (!f.name.endsWith(".js")) continue;
      const path = `${t.out}/${f.name}`;
      await Deno.writeTextFile(path, deferChunkImports(await Deno.readTextFile(path)));
    }
  }
  console.error(`bundled ${t.entry} -> ${t.out}`);
  return true;
}

if (import.meta.main) {
  let ok = true;
  for (const t of TARGETS) ok = (await bundle(t)) && ok;
  Deno.exit(ok ? 0 : 1);
}
