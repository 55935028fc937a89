/** Runs kubectl (and so `kubectl nmcp`, through plugin discovery) against the demo cluster. */

import { runKubectl, type RunResult } from "../../tests/harness/mod.ts";

/** The result of one command. */
export type Ran = RunResult;

/** Runs commands with the cluster's environment. */
export class Shell {
  readonly env: Record<string, string>;

  constructor(env: Record<string, string>) {
    this.env = env;
  }

  /** Runs `kubectl ARGS…` to completion (stdin from `input` when given). */
  kubectl(args: string[], input?: string): Promise<Ran> {
    return runKubectl(args, { env: this.env, stdin: input, clearEnv: false });
  }

  /** Starts `kubectl ARGS…` in the background; stdout is read line by line by the caller. */
  spawn(args: string[]): Deno.ChildProcess {
    const child = new Deno.Command("kubectl", {
      args,
      env: this.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#children.add(child);
    child.status.finally(() => this.#children.delete(child));
    return child;
  }

  /** Sends SIGTERM to every background command still running. */
  killAll(): void {
    for (const child of this.#children) {
      try {
        child.kill("SIGTERM");
      } catch {
        // already exited
      }
    }
  }

  #children = new Set<Deno.ChildProcess>();
}

/** Reads `stream` until a line matches `re` (or `ms` pass); returns the match. */
export async function readUntil(
  stream: ReadableStream<Uint8Array>,
  re: RegExp,
  ms: number,
): Promise<{ match: RegExpMatchArray; text: string; rest: ReadableStreamDefaultReader<string> }> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let text = "";
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<null>((r) =>
      timer = setTimeout(() => r(null), deadline - Date.now())
    );
    const next = await Promise.race([reader.read(), timeout]);
    clearTimeout(timer);
    if (next === null || next.done) break;
    text += next.value;
    const match = text.match(re);
    if (match) return { match, text, rest: reader };
  }
  await reader.cancel().catch(() => {});
  throw new Error(`Cannot find ${re} in output after ${ms} ms:\n${text}`);
}
