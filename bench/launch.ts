/** Starts gateways (ours, supergateway) in front of a stdio command, as real processes. */

/** Root of the repository (bench/ sits directly under it). */
export const REPO_ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** The supergateway release used as the comparison anchor. */
export const SUPERGATEWAY = "npm:supergateway@4.0.0";

/** A gateway process that is listening. */
export interface Running {
  /** Base URL, e.g. `http://127.0.0.1:1234` (no trailing slash). */
  base: string;
  /** Process id of the gateway itself (for /proc/PID/status). */
  pid: number;
  /** Last few KiB of its stderr, for failure messages. */
  stderrTail(): string;
  /** Stops the gateway (SIGTERM, then SIGKILL after a grace period) and waits for it. */
  stop(): Promise<void>;
}

/** Supergateway output modes compared here. */
export type SupergatewayMode = "stateful" | "stateless" | "sse";

/** Options of {@linkcode startGateway} and {@linkcode startSupergateway}. */
export interface StartOptions {
  /** How long to wait for the listener. Default 30 s. */
  timeoutMs?: number;
  /** Working directory of the process. Default: the repository root. */
  cwd?: string;
  /** Extra environment variables of the process. */
  env?: Record<string, string>;
}

/** Argv that runs a TypeScript file of this repository with the current deno. */
export function denoScript(path: string, ...args: string[]): string[] {
  const abs = path.startsWith("/") ? path : `${REPO_ROOT}/${path}`;
  return [Deno.execPath(), "run", "-A", "--quiet", abs, ...args];
}

/** Quotes argv for `sh -c` (supergateway takes its child as one shell string). */
export function shellQuote(argv: string[]): string {
  return argv.map((a) => /^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replaceAll("'", `'\\''`)}'`)
    .join(" ");
}

/** A TCP port that was free a moment ago on 127.0.0.1. */
export function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

function tailCollector(stream: ReadableStream<Uint8Array>, max = 8192) {
  let tail = "";
  const decoder = new TextDecoder();
  const done = stream.pipeTo(
    new WritableStream({
      write(chunk) {
        tail = (tail + decoder.decode(chunk, { stream: true })).slice(-max);
      },
    }),
  ).catch(() => {});
  return { tail: () => tail, done };
}

function stopper(child: Deno.ChildProcess, drains: Promise<unknown>[]): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      try {
        child.kill("SIGTERM");
      } catch { /* already gone */ }
      const timer = setTimeout(() => {
        try {
          child.kill("SIGKILL");
        } catch { /* already gone */ }
      }, 3000);
      await child.status;
      clearTimeout(timer);
      await Promise.all(drains);
    })();
    return stopping;
  };
}

/**
 * Starts our gateway: `deno run -A gateway/main.ts --host 127.0.0.1 --port 0 --stdio -- CMD…`,
 * waiting for its `nmcp-gateway listening on URL` line.
 */
export function startGateway(
  upstream: string[],
  opts: StartOptions & {
    extraArgs?: string[];
    /** Argv of the gateway program. Default: `deno run -A gateway/main.ts` (the source). */
    program?: string[];
  } = {},
): Promise<Running> {
  const argv = [
    ...(opts.program ?? denoScript("gateway/main.ts")),
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    ...(opts.extraArgs ?? []),
    "--stdio",
    "--",
    ...upstream,
  ];
  return startListening(argv, "gateway/main.ts", opts);
}

/** Starts `argv` and waits for a `… listening on http://…` line on its stdout. */
export async function startListening(
  argv: string[],
  name: string,
  opts: StartOptions = {},
): Promise<Running> {
  const child = new Deno.Command(argv[0], {
    args: argv.slice(1),
    cwd: opts.cwd ?? REPO_ROOT,
    env: opts.env,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const err = tailCollector(child.stderr);
  const out = child.stdout.pipeThrough(new TextDecoderStream());
  const [first, rest] = out.tee();
  const drain = rest.pipeTo(new WritableStream()).catch(() => {});
  const stop = stopper(child, [err.done, drain]);
  const base = await readListening(first, opts.timeoutMs ?? 30_000).catch(async (e) => {
    await stop();
    throw new Error(`Cannot start "${name}": ${e.message}\n${err.tail()}`);
  });
  return { base, pid: child.pid, stderrTail: err.tail, stop };
}

async function readListening(lines: ReadableStream<string>, timeoutMs: number): Promise<string> {
  const reader = lines.getReader();
  let buffered = "";
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no listening line in ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    while (true) {
      const { value, done } = await Promise.race([reader.read(), timeout]);
      if (done) throw new Error("exited before listening");
      buffered += value;
      const m = buffered.match(/listening on (http:\/\/\S+)/);
      if (m) return m[1].replace(/\/$/, "");
    }
  } finally {
    clearTimeout(timer);
    reader.cancel().catch(() => {});
  }
}

/** Starts supergateway 4.0.0 in `mode` in front of `upstream`, waiting until /healthz answers. */
export async function startSupergateway(
  upstream: string[],
  mode: SupergatewayMode,
  opts: StartOptions = {},
): Promise<Running> {
  const port = freePort();
  const transport = mode === "sse"
    ? []
    : ["--outputTransport", "streamableHttp", ...(mode === "stateful" ? ["--stateful"] : [])];
  const args = ["run", "-A", "--quiet", SUPERGATEWAY, "--stdio", shellQuote(upstream)];
  args.push(...transport, "--port", String(port), "--healthEndpoint", "/healthz");
  args.push("--logLevel", "none");
  const child = new Deno.Command(Deno.execPath(), {
    args,
    cwd: REPO_ROOT,
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const out = tailCollector(child.stdout);
  const err = tailCollector(child.stderr);
  const stop = stopper(child, [out.done, err.done]);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitHealthy(`${base}/healthz`, opts.timeoutMs ?? 30_000);
  } catch (e) {
    await stop();
    throw new Error(`Cannot start supergateway "${mode}": ${(e as Error).message}\n${err.tail()}`);
  }
  return { base, pid: child.pid, stderrTail: () => err.tail() + out.tail(), stop };
}

/** Polls `url` until it answers 200, or throws after `timeoutMs`. */
export async function waitHealthy(url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(1000) });
      await res.body?.cancel();
      if (res.ok) return;
    } catch { /* not up yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no answer from ${url} in ${timeoutMs} ms`);
}

/** Whether our gateway's entry point exists in this checkout. */
export function gatewayPresent(): boolean {
  try {
    return Deno.statSync(`${REPO_ROOT}/gateway/main.ts`).isFile;
  } catch {
    return false;
  }
}
