/** Shared set-up of the CLI integration tests: the harness and `kubectl nmcp` via plugin discovery. */

import { runCommand, type RunResult } from "../harness/kubectl.ts";

export type { RunResult } from "../harness/kubectl.ts";

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

let bundled: Promise<string> | undefined;

/**
 * Bundles the plugin once per test process into a temp dir (what `deno task bundle` ships,
 * so the tests also catch bundling breakage) and returns its main.js. The dir is removed at
 * process exit.
 */
export function pluginBundle(): Promise<string> {
  bundled ??= (async () => {
    const { bundle } = await import("../../scripts/bundle.ts");
    const out = await Deno.makeTempDir({ prefix: "nmcp-bundle-" });
    globalThis.addEventListener("unload", () => Deno.removeSync(out, { recursive: true }));
    const ok = await bundle({
      entry: `${ROOT}/cli/main.ts`,
      out,
      split: true,
      config: `${ROOT}/deno.json`,
    });
    if (!ok) throw new Error("Cannot bundle cli/main.ts for the tests");
    return `${out}/main.js`;
  })();
  return bundled;
}

/**
 * The environment that puts bin/ on PATH for `kubectl nmcp`: running a fresh bundle, or
 * with `source: true` the TypeScript source (no bundling cost for files that call it rarely).
 */
export async function pluginEnv(
  base: Record<string, string>,
  opts: { source?: boolean } = {},
): Promise<Record<string, string>> {
  const denoDir = Deno.execPath().replace(/\/[^/]*$/, "");
  const run: Record<string, string> = opts.source
    ? { NMCP_FROM_SOURCE: "1" }
    : { NMCP_BUNDLE: await pluginBundle() };
  return {
    ...base,
    ...run,
    PATH: `${ROOT}/bin:${denoDir}:/usr/local/bin:/usr/bin:/bin`,
    DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    NO_COLOR: "1",
  };
}

/** Starts the harness and a private HOME (kubectl's discovery cache) for one test file. */
export async function startCliEnv(): Promise<CliEnv> {
  const mod = await import(HARNESS.href) as {
    startCluster(): Promise<Cluster>;
  };
  // The cluster claims a pod-IP range no other harness on the machine holds.
  const cluster = await mod.startCluster();
  const home = await Deno.makeTempDir({ prefix: "nmcp-cli-" });
  const env = await pluginEnv({ ...cluster.env(), HOME: home });
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

/** Runs `cmd args…` with `env`, bounded to 60 s, optionally feeding stdin. */
export function sh(
  env: Record<string, string>,
  cmd: string,
  args: string[],
  stdin?: string,
): Promise<RunResult> {
  return runCommand(cmd, args, { env, stdin, timeoutMs: 60_000 });
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

/** A running `kubectl ARGS…` whose stdout is read as it comes (for `-w` and `-f`). */
export interface Streaming {
  /** Everything read so far. */
  readonly seen: string;
  /** Reads until `done(seen)` holds, the stream ends or `timeoutMs` passes; returns `seen`. */
  until(done: (seen: string) => boolean, timeoutMs?: number): Promise<string>;
  /** SIGTERMs the process and waits for it. */
  stop(): Promise<void>;
}

/** Spawns `kubectl args…` with `env`, stdout piped for {@linkcode Streaming.until}. */
export function streamKubectl(env: Record<string, string>, args: string[]): Streaming {
  const child = new Deno.Command("kubectl", {
    args,
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let seen = "";
  let pending = reader.read();
  return {
    get seen() {
      return seen;
    },
    async until(done, timeoutMs = 20_000) {
      const deadline = Date.now() + timeoutMs;
      while (!done(seen) && Date.now() < deadline) {
        let timer: ReturnType<typeof setTimeout> | undefined;
        const tick = new Promise<"tick">((r) => timer = setTimeout(() => r("tick"), 1000));
        const chunk = await Promise.race([pending, tick]);
        clearTimeout(timer);
        if (chunk === "tick") continue;
        if (chunk.done) break;
        seen += chunk.value;
        pending = reader.read();
      }
      return seen;
    },
    async stop() {
      child.kill("SIGTERM");
      await reader.cancel();
      await child.status;
    },
  };
}
