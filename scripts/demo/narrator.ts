/** Readable narration for the demo: numbered steps with timings, commands and their output. */

const dim = (s: string) => Deno.noColor ? s : `\x1b[2m${s}\x1b[0m`;
const bold = (s: string) => Deno.noColor ? s : `\x1b[1m${s}\x1b[0m`;
const green = (s: string) => Deno.noColor ? s : `\x1b[32m${s}\x1b[0m`;
const red = (s: string) => Deno.noColor ? s : `\x1b[31m${s}\x1b[0m`;

/** Thrown when a demo step did not do what it said. */
export class DemoError extends Error {}

/** Throws a DemoError with `message` unless `ok`. */
export function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new DemoError(message);
}

/**
 * Why a command failed, for a person: the command, how it ended and what it printed on
 * stderr (the last `maxLines` lines; "no stderr" said outright, never an empty message).
 */
export function describeFailure(
  f: { command: string; code?: number; stderr: string; detail?: string },
  maxLines = 20,
): string {
  const ended = f.code === undefined ? "still running" : `exited ${f.code}`;
  const lines = f.stderr.trimEnd().split("\n").filter((l) => l.trim());
  const shown = lines.slice(-maxLines);
  const cut = lines.length > shown.length
    ? [`… (${lines.length - shown.length} lines before)`]
    : [];
  const err = lines.length === 0 ? ["(no stderr)"] : [...cut, ...shown];
  const detail = f.detail ? `: ${f.detail}` : "";
  return [`${f.command} ${ended}${detail}`, "stderr:", ...err.map((l) => `  ${l}`)].join("\n");
}

/** Prints steps, commands and outcomes (to stdout unless told). */
export class Narrator {
  #step = 0;
  #started = performance.now();
  #stepStart = performance.now();
  #log: (line: string) => void;

  /** `log` receives each printed line; default console.log. */
  constructor(log: (line: string) => void = console.log) {
    this.#log = log;
  }

  /** Starts a numbered step. */
  step(title: string): void {
    this.#step++;
    this.#stepStart = performance.now();
    this.#log(`\n${bold(`${this.#step}. ${title}`)}`);
  }

  /** A line of explanation inside the step. */
  say(text: string): void {
    this.#log(`   ${text}`);
  }

  /** A command as a person would type it, then its output indented. */
  command(line: string, output: string): void {
    this.#log(`   ${dim("$")} ${line}`);
    for (const l of output.trimEnd().split("\n")) if (l) this.#log(`     ${l}`);
  }

  /** Marks the step done, with the time it took. */
  done(text: string): void {
    const s = ((performance.now() - this.#stepStart) / 1000).toFixed(1);
    this.#log(`   ${green("✓")} ${text} ${dim(`(${s} s)`)}`);
  }

  /** Final lines: success, or the failure with every line of its message (stderr too). */
  finish(error?: unknown): void {
    const s = ((performance.now() - this.#started) / 1000).toFixed(1);
    if (!error) {
      this.#log(`\n${green("Demo complete")}: every step did what it said, ${s} s.`);
      return;
    }
    const msg = error instanceof Error ? error.message : String(error);
    const [first, ...rest] = (msg || "(no message)").split("\n");
    const where = this.#step === 0 ? "in the set-up" : `at step ${this.#step}`;
    this.#log(`\n${red("Demo failed")} ${where}: ${first}`);
    for (const l of rest) this.#log(`   ${l}`);
  }
}
