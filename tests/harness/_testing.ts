/** Test helpers shared by the harness's cluster and kubelet tests. */

/** Calls `f` every `stepMs` until it returns a truthy value; throws once `ms` have passed. */
export async function until<T>(
  what: string,
  f: () => T | undefined | false | Promise<T | undefined | false>,
  ms = 15000,
  stepMs = 50,
): Promise<T> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    const v = await f();
    if (v) return v;
    await new Promise((r) => setTimeout(r, stepMs));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** True while some process of group `pid` is alive (zombies do not count). */
export function groupAlive(pid: number): boolean {
  const out = new Deno.Command("ps", { args: ["-o", "stat=", "-g", String(pid)], stdout: "piped" })
    .outputSync();
  return new TextDecoder().decode(out.stdout).split("\n").some((s) =>
    s.trim() && !s.startsWith("Z")
  );
}

/** Reads lines from a stream until `pred` matches one; returns all text read. */
export async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  pred: (text: string) => boolean,
  ms = 15000,
): Promise<string> {
  let text = "";
  const deadline = Date.now() + ms;
  while (!pred(text)) {
    if (Date.now() > deadline) throw new Error(`Timed out; read so far: ${text}`);
    const { value, done } = await reader.read();
    if (done) throw new Error(`Stream ended; read so far: ${text}`);
    text += value;
  }
  return text;
}

/** Runs `kubectl port-forward <target> :<port>` and calls `f` with the local port, then stops it. */
export async function withPortForward<T>(
  env: Record<string, string>,
  target: string,
  port: number,
  f: (local: number) => Promise<T>,
): Promise<T> {
  const pf = new Deno.Command("kubectl", {
    args: ["port-forward", target, `:${port}`],
    env,
    clearEnv: true,
    stdout: "piped",
    stderr: "null",
  }).spawn();
  const reader = pf.stdout.pipeThrough(new TextDecoderStream()).getReader();
  try {
    const line = await readUntil(reader, (t) => /127\.0\.0\.1:\d+/.test(t));
    return await f(Number(/127\.0\.0\.1:(\d+)/.exec(line)![1]));
  } finally {
    pf.kill("SIGTERM");
    await reader.cancel();
    await pf.status;
  }
}
