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

/** Prints steps, commands and outcomes to stdout. */
export class Narrator {
  #step = 0;
  #started = performance.now();
  #stepStart = performance.now();

  /** Starts a numbered step. */
  step(title: string): void {
    this.#step++;
    this.#stepStart = performance.now();
    console.log(`\n${bold(`${this.#step}. ${title}`)}`);
  }

  /** A line of explanation inside the step. */
  say(text: string): void {
    console.log(`   ${text}`);
  }

  /** A command as a person would type it, then its output indented. */
  command(line: string, output: string): void {
    console.log(`   ${dim("$")} ${line}`);
    for (const l of output.trimEnd().split("\n")) if (l) console.log(`     ${l}`);
  }

  /** Marks the step done, with the time it took. */
  done(text: string): void {
    const s = ((performance.now() - this.#stepStart) / 1000).toFixed(1);
    console.log(`   ${green("✓")} ${text} ${dim(`(${s} s)`)}`);
  }

  /** Final line: success or the failure. */
  finish(error?: unknown): void {
    const s = ((performance.now() - this.#started) / 1000).toFixed(1);
    if (!error) console.log(`\n${green("Demo complete")}: every step did what it said, ${s} s.`);
    else {
      const msg = error instanceof Error ? error.message : String(error);
      console.log(`\n${red("Demo failed")} at step ${this.#step}: ${msg}`);
    }
  }
}
