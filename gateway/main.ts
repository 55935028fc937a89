/** `deno run -A gateway/main.ts [options] (--stdio -- CMD ARGS… | --fifo DIR | --http URL | --sse URL | --virtual)` */
import { createLogger, type Logger, parseLogLevel } from "../lib/log.ts";
import { emptyCatalog } from "./declared/mod.ts";
import { type Flags, parseFlags, USAGE } from "./flags.ts";
import { createGateway, type GatewayOptions, type UpstreamSpec } from "./server.ts";
import type { ToolPolicy } from "../lib/tool_policy/mod.ts";
import { serveGuarded } from "../lib/http/mod.ts";
import { loadTracing } from "../lib/trace/mod.ts";

function upstreamOf(flags: Flags, command: string[]): UpstreamSpec {
  const chosen = [flags.stdio, flags.fifo, flags.http, flags.sse, flags.virtual]
    .filter((v) => v !== undefined);
  if (chosen.length !== 1) {
    throw new TypeError(
      "Cannot start gateway: give exactly one of --stdio, --fifo, --http, --sse, --virtual",
    );
  }
  if (flags.virtual) {
    if (!flags.declaredFile) {
      throw new TypeError("Cannot start gateway: --virtual needs --declared-file");
    }
    return { kind: "virtual" };
  }
  if (flags.stdio) {
    if (command.length === 0) {
      throw new TypeError("Cannot start gateway: --stdio needs -- CMD ARGS…");
    }
    return { kind: "stdio", command };
  }
  if (flags.fifo) return { kind: "fifo", dir: flags.fifo };
  if (flags.http) return { kind: "http", url: flags.http };
  return { kind: "sse", url: flags.sse as string };
}

async function readToken(flags: Flags): Promise<string | null> {
  if (flags.tokenFile) return (await Deno.readTextFile(flags.tokenFile)).trim();
  if (flags.tokenEnv) {
    const t = Deno.env.get(flags.tokenEnv);
    if (!t) throw new TypeError(`Cannot read token from env "${flags.tokenEnv}": not set`);
    return t.trim();
  }
  return null;
}

/** Loads `--tools-policy[-file]`; the CEL library is imported only when a policy is given. */
async function readToolPolicy(flags: Flags): Promise<ToolPolicy | null> {
  if (flags.toolsPolicy !== undefined && flags.toolsPolicyFile !== undefined) {
    throw new TypeError(
      "Cannot start gateway: give --tools-policy or --tools-policy-file, not both",
    );
  }
  const text = flags.toolsPolicyFile !== undefined
    ? await Deno.readTextFile(flags.toolsPolicyFile)
    : flags.toolsPolicy;
  if (text === undefined) return null;
  const { parseToolPolicy } = await import("../lib/tool_policy/mod.ts");
  const compiled = parseToolPolicy(text);
  if (!compiled.ok) throw new TypeError(compiled.errors.join("; "));
  return compiled.policy;
}

/** Loads `--declared-file` and keeps watching it; null without the flag. */
async function readDeclared(flags: Flags, log: Logger): Promise<GatewayOptions["declared"]> {
  if (flags.declaredFile === undefined) return null;
  const catalog = emptyCatalog(log);
  await catalog.watch(flags.declaredFile);
  return { catalog, serverName: flags.serverName ?? "declared" };
}

async function main(argv: string[]): Promise<number> {
  const parsed = parseFlags(argv);
  if (parsed.help) {
    console.log(USAGE);
    return 0;
  }
  const { flags, command } = parsed;
  const log = createLogger({ component: "gateway" }, { level: parseLogLevel(flags.logLevel) });
  // OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT turns tracing on; the SDK is loaded only then.
  const tracing = await loadTracing(Deno.env.toObject(), "nmcp-gateway");
  const options: GatewayOptions = {
    upstream: upstreamOf(flags, command),
    perSession: flags.perSession,
    allowedOrigins: flags.allowedOrigins ?? null,
    allowedHosts: flags.allowedHosts,
    token: await readToken(flags),
    loopbackRequiresToken: flags.loopbackRequiresToken === true,
    toolPolicy: await readToolPolicy(flags),
    maxBody: flags.maxBody,
    maxSessions: flags.maxSessions,
    maxSessionsPerClient: flags.maxSessionsPerClient,
    sessionUnusedTimeoutMs: flags.sessionUnusedTimeout * 1000,
    bodyTimeoutMs: flags.bodyTimeout * 1000,
    sessionIdleTimeoutMs: flags.sessionIdleTimeout * 1000,
    requestTimeoutMs: flags.requestTimeout * 1000,
    log,
    tracing,
    declared: await readDeclared(flags, log),
  };
  const gateway = createGateway(options);
  const server = serveGuarded({
    hostname: flags.host,
    port: flags.port,
    headerTimeoutMs: flags.headerTimeout * 1000,
    onListen: ({ hostname, port }) => {
      const host = hostname.includes(":") ? `[${hostname}]` : hostname;
      console.log(`nmcp-gateway listening on http://${host}:${port}`);
    },
    onError: (err) => {
      log.error("Cannot serve request", { error: String(err) });
      return new Response("internal error\n", { status: 500 });
    },
  }, gateway.handler);
  log.info("Serving", { headerTimeoutS: flags.headerTimeout, headerGuard: server.guard });
  if (flags.readyFile) {
    const file = flags.readyFile;
    gateway.whenReady(120_000).then(async (ok) => {
      if (ok) await Deno.writeTextFile(file, "ready\n");
    });
  }
  const drainMs = flags.drainTimeout * 1000;
  const stop = async (signal: string) => {
    log.info("Draining", { signal, timeoutMs: drainMs });
    // Whatever is still pending (a hung upstream close, a stream nobody ends), exit on time.
    setTimeout(() => Deno.exit(0), drainMs + 1000);
    await gateway.drain(drainMs);
    if (tracing) await Promise.race([tracing.shutdown(), new Promise((r) => setTimeout(r, 500))]);
    await Promise.race([server.shutdown(), new Promise((r) => setTimeout(r, 500))]);
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGTERM", () => void stop("SIGTERM"));
  Deno.addSignalListener("SIGINT", () => void stop("SIGINT"));
  await server.finished;
  return 0;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (err) {
    console.error(err instanceof Error ? err.message : String(err));
    Deno.exit(2);
  }
}
