/** Runs kubectl (and so `kubectl nmcp`, through plugin discovery) against the demo cluster. */

import { runKubectl, type RunResult } from "../../tests/harness/mod.ts";
import { DemoError, describeFailure } from "./narrator.ts";

/** The result of one command. */
export type Ran = RunResult;

/** The most stderr a background command keeps (its tail) to explain a failure. */
const STDERR_KEEP = 16 * 1024;

/** A command running in the background: stdout for the caller, stderr kept to explain failures. */
export class Background {
  readonly child: Deno.ChildProcess;
  /** How a person would type it. */
  readonly line: string;
  #stderr = "";
  #drained: Promise<void>;

  constructor(child: Deno.ChildProcess, line: string) {
    this.child = child;
    this.line = line;
    this.#drained = (async () => {
      for await (const text of child.stderr.pipeThrough(new TextDecoderStream())) {
        this.#stderr = (this.#stderr + text).slice(-STDERR_KEEP);
      }
    })().catch(() => {});
  }

  /** What it printed on stderr so far (the last 16 KiB). */
  get stderr(): string {
    return this.#stderr;
  }

  /**
   * Its exit code, waiting at most `ms` for it (undefined if still running), after which the
   * stderr it printed before exiting has been read.
   */
  async exitCode(ms: number): Promise<number | undefined> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<undefined>((r) => timer = setTimeout(() => r(undefined), ms));
    const status = await Promise.race([this.child.status, late]);
    if (status) await Promise.race([this.#drained, late]);
    clearTimeout(timer);
    return status?.code;
  }
}

/**
 * Reads `bg`'s stdout until a line matches `re`; when it does not within `ms` (or the command
 * exits first), throws a DemoError naming the command, its exit code and its stderr.
 */
export async function expectLine(
  bg: Background,
  re: RegExp,
  ms: number,
): Promise<Awaited<ReturnType<typeof readUntil>>> {
  try {
    return await readUntil(bg.child.stdout, re, ms);
  } catch (e) {
    const code = await bg.exitCode(1000);
    const detail = (e as Error).message;
    throw new DemoError(describeFailure({ command: bg.line, code, stderr: bg.stderr, detail }), {
      cause: e,
    });
  }
}

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
  spawn(args: string[]): Background {
    const child = new Deno.Command("kubectl", {
      args,
      env: this.env,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#children.add(child);
    child.status.finally(() => this.#children.delete(child));
    return new Background(child, `kubectl ${args.join(" ")}`);
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
