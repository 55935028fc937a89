/** Output streams of a command, injected so tests can capture them. */

/** Where a command writes: stdout carries results only, stderr progress and errors. */
export interface IO {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal. */
  isTty: boolean;
}

const encoder = new TextEncoder();

function writeAll(file: { writeSync(p: Uint8Array): number }, text: string): void {
  let data = encoder.encode(text);
  while (data.length > 0) data = data.subarray(file.writeSync(data));
}

/** The process's own stdout/stderr. */
export function processIO(): IO {
  return {
    out: (text) => writeAll(Deno.stdout, text),
    err: (text) => writeAll(Deno.stderr, text),
    isTty: Deno.stdout.isTerminal(),
  };
}

/** An IO that records everything, for tests. */
export function captureIO(): IO & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (t) => stdout.push(t),
    err: (t) => stderr.push(t),
    isTty: false,
  };
}
