/**
 * `deno task bench [gateway|operator|cli|all] [args…]`: runs one benchmark (each lives in
 * `bench/<name>.ts` and exports `run(args): Promise<number>`), or all that exist.
 */

const NAMES = ["gateway", "operator", "cli"] as const;

interface BenchModule {
  run(args: string[]): Promise<number>;
}

async function exists(name: string): Promise<boolean> {
  return await Deno.stat(new URL(`./${name}.ts`, import.meta.url)).then(() => true, () => false);
}

async function runOne(name: string, args: string[]): Promise<number> {
  if (!await exists(name)) {
    console.error(`bench ${name}: not yet implemented (bench/${name}.ts does not exist)`);
    return 0;
  }
  const mod = await import(`./${name}.ts`) as BenchModule;
  return await mod.run(args);
}

/** Runs the benchmark named by `argv[0]` (default `all`) with the remaining arguments. */
export async function main(argv: string[]): Promise<number> {
  const [which = "all", ...rest] = argv;
  if (which === "all") {
    let code = 0;
    for (const name of NAMES) code = Math.max(code, await runOne(name, []));
    return code;
  }
  if (!(NAMES as readonly string[]).includes(which)) {
    console.error(`Cannot run bench "${which}": expected one of ${NAMES.join(", ")} or all`);
    return 2;
  }
  return await runOne(which, rest);
}

if (import.meta.main) Deno.exit(await main(Deno.args));
