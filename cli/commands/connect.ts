/** `kubectl nmcp connect NAME [--stdio]`: wake a server, tunnel it to 127.0.0.1, keep it alive. */

import type { Context } from "../context.ts";
import { clientConfig } from "../connect/client_config.ts";
import { followServer } from "../connect/follow.ts";
import { gatewayOf, type PodSpecLike } from "../connect/gateway.ts";
import { openTunnel } from "../connect/tunnel.ts";
import { waitReady } from "../connect/wait_ready.ts";
import { startPatch } from "../requests.ts";
import { SERVER } from "../resources.ts";

/** Options of `connect`. */
export interface ConnectOptions {
  port?: string;
  timeout?: string;
  stdio?: boolean;
  refresh?: string;
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
  const quiet = opts.stdio === true && !ctx.flags.verbose;
  const progress = (line: string) => quiet || ctx.io.err(line);
  const session = await ctx.connect();
  const ns = session.defaultNamespace;
  await session.kube.mergePatch(SERVER, ns, name, startPatch(ctx.now()));
  const podName = await waitReady(session, ns, name, {
    timeoutMs: number(opts.timeout, "--timeout", 120) * 1000,
    progress,
  });
  const gatewayPort = gatewayOf(await session.kube.getPod<PodSpecLike>(ns, podName)).port;
  const tunnel = await openTunnel(await session.kube.clusterAccess(), {
    namespace: ns,
    podName,
    remotePort: gatewayPort,
    localPort: number(opts.port, "--port", 0),
    onError: (err) => progress(`Cannot forward to pod "${tunnel.podName}": ${errorText(err)}\n`),
  });
  const stopFollow = followServer(session, {
    namespace: ns,
    name,
    refreshMs: number(opts.refresh, "--refresh", 30) * 1000,
    onPod: (pod) => {
      if (pod === tunnel.podName) return;
      progress(`mcpserver/${name}: pod replaced, tunnel now goes to ${pod}\n`);
      tunnel.retarget(pod);
    },
    log: progress,
  });
  const url = `http://127.0.0.1:${tunnel.port}/mcp`;
  try {
    if (opts.stdio) {
      const { bridgeStdio } = await import("../connect/stdio_bridge.ts");
      await bridgeStdio({ url, log: progress });
    } else {
      ctx.io.out(clientConfig(name, url, ns));
      progress(
        `Forwarding 127.0.0.1:${tunnel.port} -> ${podName}:${gatewayPort}. Ctrl-C to stop.\n`,
      );
      await untilSignal();
    }
  } finally {
    stopFollow();
    await tunnel.close();
  }
  return 0;
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
