/**
 * `kubectl nmcp operator` and `kubectl nmcp gateway` (= `operator --disable-operator`): run the
 * operator in this process against the current kubeconfig, like the seeds' single binary. The
 * operator's modules are imported here only, so the other verbs never load them.
 */

import type { Context } from "../context.ts";

/** Options of `operator` / `gateway`. */
export interface OperatorVerbOptions {
  host?: string;
  port?: string;
  disableOperator?: boolean;
  disableApi?: boolean;
  logLevel?: string;
  gatewayImage?: string;
  leaderElect?: boolean;
  auth?: "kubernetes" | "none";
}

/** The listen address of `--host`/`--port` (loopback and 8080 by default: a local process). */
export function listenOf(opts: OperatorVerbOptions): string {
  const port = Number(opts.port ?? "8080");
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new TypeError(`Cannot listen on port "${opts.port}": expected 0-65535`);
  }
  return `${opts.host ?? "127.0.0.1"}:${port}`;
}

/** Runs the operator until SIGINT/SIGTERM; `gateway` adds `--disable-operator`. */
export async function run(
  name: string,
  _args: string[],
  opts: OperatorVerbOptions,
  ctx: Context,
): Promise<number> {
  const [{ startOperator }, { parseLogLevel }] = await Promise.all([
    import("../../operator/operator.ts"),
    import("../../lib/log.ts"),
  ]);
  const op = await startOperator({
    kubeconfig: ctx.flags.kubeconfig,
    context: ctx.flags.context,
    namespace: ctx.flags.allNamespaces ? undefined : ctx.flags.namespace,
    listen: listenOf(opts),
    gatewayImage: opts.gatewayImage ?? "ghcr.io/nwrx/nmcp:latest",
    disableOperator: name === "gateway" || opts.disableOperator === true,
    disableApi: opts.disableApi === true,
    leaderElect: opts.leaderElect !== false,
    logLevel: parseLogLevel(opts.logLevel ?? "info"),
    auth: opts.auth,
  });
  ctx.io.err(`nmcp ${name} listening on ${op.url}\n`);
  const stopped = Promise.withResolvers<void>();
  const stop = () => stopped.resolve();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  await stopped.promise;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  const timer = setTimeout(() => Deno.exit(1), 10_000);
  await op.stop();
  clearTimeout(timer);
  return 0;
}
