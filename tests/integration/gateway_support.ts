/** Starts the real gateway binary (gateway/main.ts) for integration tests and stops it cleanly. */

const ROOT = new URL("../../", import.meta.url).pathname;

/** The reference server `@modelcontextprotocol/server-everything` run with node over stdio. */
export const EVERYTHING = [
  "node",
  `${ROOT}node_modules/@modelcontextprotocol/server-everything/dist/index.js`,
  "stdio",
];

/** A running gateway process. */
export interface GatewayProcess {
  /** Base URL, e.g. `http://127.0.0.1:34567`. */
  url: string;
  pid: number;
  /** What the gateway wrote to stderr so far. */
  stderr(): string;
  /** Sends SIGTERM, waits for exit (SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/**
 * Spawns `deno run -A gateway/main.ts --host 127.0.0.1 --port 0 ARGS…` (extra `env` added to the
 * inherited one) and waits for readiness.
 */
export async function startGateway(
  args: string[],
  waitReady = true,
  env: Record<string, string> = {},
): Promise<GatewayProcess> {
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${ROOT}gateway/main.ts`, "--host", "127.0.0.1", "--port", "0", ...args],
    env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    cwd: ROOT,
  }).spawn();
  let err = "";
  const errDone = child.stderr.pipeThrough(new TextDecoderStream()).pipeTo(
    new WritableStream({ write: (c) => void (err += c) }),
  ).catch(() => {});
  const reader = child.stdout.pipeThrough(new TextDecoderStream()).getReader();
  let out = "";
  const deadline = setTimeout(() => child.kill("SIGKILL"), 20_000);
  let url = "";
  while (!url) {
    const { value, done } = await reader.read();
    if (done) break;
    out += value;
    url = /listening on (http:\/\/\S+)/.exec(out)?.[1] ?? "";
  }
  clearTimeout(deadline);
  const outDone = (async () => {
    while (!(await reader.read()).done) { /* drain */ }
  })().catch(() => {});
  const stop = async () => {
    try {
      child.kill("SIGTERM");
    } catch { /* gone */ }
    const t = setTimeout(() => {
      try {
        child.kill("SIGKILL");
      } catch { /* gone */ }
    }, 5000);
    await child.status;
    clearTimeout(t);
    await Promise.all([errDone, outDone]);
  };
  if (!url) {
    await stop();
    throw new Error(`Cannot start gateway: no listening line; stderr: ${err}`);
  }
  const gw = { url, pid: child.pid, stderr: () => err, stop };
  if (waitReady && !(await waitFor(() => isReady(url), 20_000))) {
    await stop();
    throw new Error(`Cannot start gateway: not ready in 20 s; stderr: ${err}`);
  }
  return gw;
}

/** Whether `/readyz` answers 200. */
export async function isReady(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/readyz`);
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Polls `check` every 50 ms until true or `ms` passed. */
export async function waitFor(
  check: () => Promise<boolean> | boolean,
  ms: number,
): Promise<boolean> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

/** Pids of the direct children of `pid`. */
export async function childPids(pid: number): Promise<number[]> {
  const out = await new Deno.Command("pgrep", { args: ["-P", String(pid)], stdout: "piped" })
    .output();
  return new TextDecoder().decode(out.stdout).split("\n").filter((s) => s).map(Number);
}
