/**
 * `kubectl nmcp connect NAME [--stdio]`: wake a server and tunnel it to 127.0.0.1. Every new
 * connection to the local port goes to the server's current pod, waking the server first when
 * it has none (idled out, stopped, replaced). `--configure CLIENT` writes a client's config.
 */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Context } from "../context.ts";
import { clientConfig, type ClientName, CLIENTS } from "../connect/client_config.ts";
import { gatewayOf, type PodSpecLike } from "../connect/gateway.ts";
import { openTunnel } from "../connect/tunnel.ts";
import { createWaker } from "../connect/waker.ts";
import { kubeconfigFiles } from "../../lib/kube/kubeconfig.ts";
import { SERVER } from "../resources.ts";

/** Options of `connect`. */
export interface ConnectOptions {
  port?: string;
  timeout?: string;
  stdio?: boolean;
  refresh?: string;
  configure?: string;
  configFile?: string;
}

function number(value: string | undefined, flag: string, fallback: number): number {
  const n = Number(value ?? fallback);
  if (!Number.isFinite(n) || n < 0) {
    throw new TypeError(`Cannot use ${flag} "${value}": not a number`);
  }
  return n;
}

/** Runs `connect`. Returns when stdin closes (--stdio) or on SIGINT/SIGTERM. */
export async function run(
  _name: string,
  args: string[],
  opts: ConnectOptions,
  ctx: Context,
): Promise<number> {
  const name = args[0];
  if (opts.configure) return await configure(name, opts, ctx);
  const session = await ctx.connect();
  const quiet = opts.stdio === true && !ctx.flags.verbose;
  const progress = (line: string) => quiet || ctx.io.err(line);
  const ns = session.defaultNamespace;
  const timeoutMs = number(opts.timeout, "--timeout", 120) * 1000;
  const waker = createWaker(session, { namespace: ns, name, timeoutMs, progress, now: ctx.now });
  const podName = await waker.target({ refresh: true });
  const gatewayPort = gatewayOf(await session.kube.getPod<PodSpecLike>(ns, podName)).port;
  const tunnel = await openTunnel(await session.kube.clusterAccess(), {
    namespace: ns,
    target: () => waker.target(),
    remotePort: gatewayPort,
    localPort: number(opts.port, "--port", 0),
    // Errors are shown even under --stdio: they say why a client's request failed.
    onError: (err) => ctx.io.err(`${forwardError(name, err)}\n`),
  });
  const refreshMs = number(opts.refresh, "--refresh", 0) * 1000;
  const refresh = refreshMs > 0
    ? setInterval(() => waker.target({ refresh: true }).catch(() => {}), refreshMs)
    : undefined;
  const url = `http://127.0.0.1:${tunnel.port}/mcp`;
  try {
    if (opts.stdio) {
      const { bridgeStdio } = await import("../connect/stdio_bridge.ts");
      await bridgeStdio({ url, name, log: progress, resumeTimeoutMs: timeoutMs + 10_000 });
    } else {
      ctx.io.out(clientConfig(name, url, ns));
      progress(
        `Forwarding 127.0.0.1:${tunnel.port} -> ${podName}:${gatewayPort}; ` +
          `new connections wake the server when it is gone. Ctrl-C to stop.\n`,
      );
      await untilSignal();
    }
  } finally {
    clearInterval(refresh);
    await tunnel.close();
  }
  return 0;
}

/** `--configure CLIENT`: checks the server exists, then writes the client's config file. */
async function configure(name: string, opts: ConnectOptions, ctx: Context): Promise<number> {
  if (!(CLIENTS as readonly string[]).includes(opts.configure!)) {
    throw new TypeError(`Cannot configure "${opts.configure}": use one of ${CLIENTS.join(", ")}`);
  }
  const session = await ctx.connect();
  const ns = session.defaultNamespace;
  await session.kube.get<MCPServer>(SERVER, ns, name);
  const custom = ctx.flags.kubeconfig || Deno.env.get("KUBECONFIG");
  const files = kubeconfigFiles(ctx.flags, Deno.env.toObject())
    .map((f) => f.startsWith("/") ? f : `${Deno.cwd()}/${f}`);
  const { configureClient } = await import("../connect/configure.ts");
  const path = await configureClient({
    client: opts.configure as ClientName,
    name,
    namespace: ns,
    file: opts.configFile,
    context: ctx.flags.context,
    kubeconfig: custom ? files.join(":") : undefined,
  });
  ctx.io.out(`${opts.configure} configured: ${path} runs "connect ${name} --stdio -n ${ns}"\n`);
  return 0;
}

/** The line for a connection that could not be forwarded (a wait's own error as it is). */
function forwardError(name: string, err: unknown): string {
  const text = errorText(err);
  return text.startsWith("Cannot ") ? text : `Cannot forward to MCPServer "${name}": ${text}`;
}

/** A readable message for errors that may be WebSocket events rather than Errors. */
function errorText(err: unknown): string {
  if (err instanceof Error) return err.message;
  const e = err as { message?: unknown; error?: unknown };
  if (typeof e?.message === "string" && e.message) return e.message;
  if (e?.error instanceof Error) return e.error.message;
  return "the API server refused the port-forward (is the pod running?)";
}

function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    const signals: Deno.Signal[] = ["SIGINT", "SIGTERM"];
    const handler = () => {
      for (const s of signals) Deno.removeSignalListener(s, handler);
      resolve();
    };
    for (const s of signals) Deno.addSignalListener(s, handler);
  });
}
