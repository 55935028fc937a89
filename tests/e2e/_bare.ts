/** Helpers of the bare-machine test: a stripped PATH, commands, process trees, timings. */

import { descendants } from "../../bench/proc.ts";

/** Directories whose executables make up the stripped PATH. */
const SYSTEM_DIRS = ["/usr/local/sbin", "/usr/local/bin", "/usr/sbin", "/usr/bin", "/sbin", "/bin"];

/**
 * A directory of symlinks to every executable in the system directories but `without` (a bare
 * machine's PATH: no deno, no busybox); the first of a name wins, as on PATH.
 */
export async function strippedPath(dir: string, without: string[]): Promise<string> {
  await Deno.mkdir(dir, { recursive: true });
  const seen = new Set(without);
  for (const sys of SYSTEM_DIRS) {
    const entries = await Array.fromAsync(Deno.readDir(sys)).catch(() => []);
    for (const e of entries) {
      if (seen.has(e.name) || e.isDirectory) continue;
      seen.add(e.name);
      await Deno.symlink(`${sys}/${e.name}`, `${dir}/${e.name}`);
    }
  }
  return dir;
}

/** What a finished command printed. */
export interface Output {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `cmd args…` in `cwd` with exactly `env` (nothing inherited), killed after `ms`. */
export async function runIn(
  cwd: string,
  env: Record<string, string>,
  cmd: string[],
  ms: number,
): Promise<Output> {
  const child = new Deno.Command(cmd[0], {
    args: cmd.slice(1),
    cwd,
    env,
    clearEnv: true,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const timer = setTimeout(() => child.kill("SIGKILL"), ms);
  try {
    const out = await child.output();
    const text = (b: Uint8Array) => new TextDecoder().decode(b);
    return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
  } finally {
    clearTimeout(timer);
  }
}

/** `pid` and every process below it. */
export function processTree(pid: number): number[] {
  return [pid, ...descendants(pid)];
}

/** Those of `pids` still alive (zombies count as gone). */
export async function alive(pids: number[]): Promise<number[]> {
  const live: number[] = [];
  for (const pid of pids) {
    const stat = await Deno.readTextFile(`/proc/${pid}/stat`).catch(() => "");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (stat && state !== "Z") live.push(pid);
  }
  return live;
}

/** PIDs of processes started as harness pod containers (the netshim env marks them). */
export async function podProcesses(): Promise<Set<number>> {
  const pids = new Set<number>();
  for await (const e of Deno.readDir("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const env = await Deno.readTextFile(`/proc/${e.name}/environ`).catch(() => "");
    if (env.includes("NMCP_POD_IP=")) pids.add(Number(e.name));
  }
  return pids;
}

/** The p-th percentile (0–100) of `samples`. */
export function percentile(samples: number[], p: number): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((s.length * p) / 100))];
}
