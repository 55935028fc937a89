/** Shared set-up of the CLI integration tests: the harness and `kubectl nmcp` via plugin discovery. */

/** The repository root. */
export const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

const HARNESS = new URL("../harness/mod.ts", import.meta.url);

/** True once tests/harness/mod.ts (startCluster) exists. */
export const HARNESS_READY = (() => {
  try {
    return Deno.statSync(HARNESS).isFile;
  } catch {
    return false;
  }
})();

/** The part of the harness cluster these tests use. */
export interface Cluster {
  kubeconfigPath: string;
  env(): Record<string, string>;
  stop(): Promise<void>;
}

/** A running cluster plus the environment that puts bin/ (kubectl-nmcp) on PATH. */
export interface CliEnv {
  cluster: Cluster;
  env: Record<string, string>;
  home: string;
  close(): Promise<void>;
}

/** Starts the harness and a private HOME (kubectl's discovery cache) for one test file. */
export async function startCliEnv(): Promise<CliEnv> {
  const mod = await import(HARNESS.href) as {
    startCluster(opts: { podIpPrefix: string }): Promise<Cluster>;
  };
  // A pod-IP range of our own, so pods of clusters other tests run at the same time never
  // collide on an address.
  const rand = (n: number) => Math.floor(Math.random() * n);
  const cluster = await mod.startCluster({
    podIpPrefix: `127.${100 + rand(100)}.${1 + rand(250)}`,
  });
  const home = await Deno.makeTempDir({ prefix: "nmcp-cli-" });
  const denoDir = Deno.execPath().replace(/\/[^/]*$/, "");
  const env = {
    ...cluster.env(),
    HOME: home,
    PATH: `${ROOT}/bin:${denoDir}:/usr/local/bin:/usr/bin:/bin`,
    NMCP_FROM_SOURCE: "1",
    DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    NO_COLOR: "1",
  };
  return {
    cluster,
    env,
    home,
    async close() {
      await cluster.stop();
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
  };
}

/** The outcome of one command. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args…` with `env`, bounded to 60 s, optionally feeding stdin. */
export async function sh(
  env: Record<string, string>,
  cmd: string,
  args: string[],
  stdin?: string,
): Promise<RunResult> {
  const child = new Deno.Command(cmd, {
    args,
    env,
    clearEnv: true,
    stdin: stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    signal: AbortSignal.timeout(60_000),
  }).spawn();
  if (stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs `kubectl nmcp args…` (kubectl finds bin/kubectl-nmcp on PATH). */
export function nmcp(env: Record<string, string>, ...args: string[]): Promise<RunResult> {
  return sh(env, "kubectl", ["nmcp", ...args]);
}

/** Installs the CRDs with `kubectl nmcp export --type crd | kubectl apply --server-side -f -`. */
export async function installCrds(env: Record<string, string>): Promise<void> {
  const crds = await nmcp(env, "export", "--type", "crd");
  if (crds.code !== 0) throw new Error(`export failed: ${crds.stderr}`);
  const applied = await sh(env, "kubectl", ["apply", "--server-side", "-f", "-"], crds.stdout);
  if (applied.code !== 0) throw new Error(`kubectl apply of the CRDs failed: ${applied.stderr}`);
}
