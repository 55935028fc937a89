/** Runs kubectl (or another command) to completion and collects its exit code and output. */

/** The outcome of one command. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** How to run one command. */
export interface RunOptions {
  /** The command's environment. */
  env: Record<string, string>;
  /** Piped in when given (stdin is null otherwise). */
  stdin?: string;
  /** Start from `env` alone (default true); false adds `env` to this process's environment. */
  clearEnv?: boolean;
  /** Aborts the command after this many milliseconds when given. */
  timeoutMs?: number;
}

/** Runs `cmd args…` to completion, feeding `opts.stdin` when given. */
export async function runCommand(
  cmd: string,
  args: string[],
  opts: RunOptions,
): Promise<RunResult> {
  const child = new Deno.Command(cmd, {
    args,
    env: opts.env,
    clearEnv: opts.clearEnv ?? true,
    stdin: opts.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
    signal: opts.timeoutMs === undefined ? undefined : AbortSignal.timeout(opts.timeoutMs),
  }).spawn();
  if (opts.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(opts.stdin));
    await w.close();
  }
  const out = await child.output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

/** Runs `kubectl args…` to completion (see runCommand). */
export function runKubectl(args: string[], opts: RunOptions): Promise<RunResult> {
  return runCommand("kubectl", args, opts);
}
