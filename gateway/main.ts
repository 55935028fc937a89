/** `deno run -A gateway/main.ts [options] (--stdio -- CMD ARGS… | --fifo DIR | --http URL | --sse URL)` */
import { Command, InvalidArgumentError } from "commander";
import { createLogger, parseLogLevel } from "../lib/log.ts";
import { createGateway, type GatewayOptions, type UpstreamSpec } from "./mod.ts";

interface Flags {
  host: string;
  port: number;
  stdio?: boolean;
  fifo?: string;
  http?: string;
  sse?: string;
  perSession?: boolean;
  allowedOrigins?: string[];
  allowedHosts?: string[];
  tokenFile?: string;
  tokenEnv?: string;
  maxBody: number;
  maxSessions: number;
  sessionIdleTimeout: number;
  logLevel: string;
  readyFile?: string;
}

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) {
    throw new InvalidArgumentError("Expected a non-negative integer");
  }
  return n;
}

const list = (value: string) => value.split(",").map((s) => s.trim()).filter((s) => s !== "");

function parseArgs(argv: string[]): { flags: Flags; command: string[] } {
  const program = new Command("nmcp-gateway")
    .description("MCP gateway: many isolated client sessions over one MCP server")
    .option("--host <host>", "listen address", "0.0.0.0")
    .option("--port <port>", "listen port (0 = ephemeral)", int, 8080)
    .option("--stdio", "spawn the stdio server given after --")
    .option("--fifo <dir>", "stdio server in another container via DIR/in and DIR/out")
    .option("--http <url>", "proxy an upstream Streamable HTTP server")
    .option("--sse <url>", "proxy an upstream legacy SSE server")
    .option("--per-session", "one upstream process per client session (stdio)")
    .option("--allowed-origins <list>", "Origin allowlist, comma separated", list)
    .option("--allowed-hosts <list>", "Host allowlist, comma separated (* = any)", list)
    .option("--token-file <file>", "require this bearer token (read from file)")
    .option("--token-env <name>", "require this bearer token (read from env)")
    .option("--max-body <bytes>", "largest request body", int, 4 * 1024 * 1024)
    .option("--max-sessions <n>", "most open sessions", int, 1000)
    .option("--session-idle-timeout <seconds>", "end idle sessions after", int, 1800)
    .option("--log-level <level>", "debug|info|warn|error", "info")
    .option("--ready-file <file>", "touch this file when ready")
    .argument("[command...]", "stdio server command (after --)")
    .exitOverride();
  program.parse(argv, { from: "user" });
  return { flags: program.opts() as Flags, command: program.args };
}

function upstreamOf(flags: Flags, command: string[]): UpstreamSpec {
  const chosen = [flags.stdio, flags.fifo, flags.http, flags.sse].filter((v) => v !== undefined);
  if (chosen.length !== 1) {
    throw new TypeError("Cannot start gateway: give exactly one of --stdio, --fifo, --http, --sse");
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

async function main(argv: string[]): Promise<number> {
  const { flags, command } = parseArgs(argv);
  const log = createLogger({ component: "gateway" }, { level: parseLogLevel(flags.logLevel) });
  const options: GatewayOptions = {
    upstream: upstreamOf(flags, command),
    perSession: flags.perSession,
    allowedOrigins: flags.allowedOrigins ?? null,
    allowedHosts: flags.allowedHosts,
    token: await readToken(flags),
    maxBody: flags.maxBody,
    maxSessions: flags.maxSessions,
    sessionIdleTimeoutMs: flags.sessionIdleTimeout * 1000,
    log,
  };
  const gateway = createGateway(options);
  const server = Deno.serve({
    hostname: flags.host,
    port: flags.port,
    onListen: ({ hostname, port }) => {
      const host = hostname.includes(":") ? `[${hostname}]` : hostname;
      console.log(`nmcp-gateway listening on http://${host}:${port}`);
    },
    onError: (err) => {
      log.error("Cannot serve request", { error: String(err) });
      return new Response("internal error\n", { status: 500 });
    },
  }, gateway.handler);
  if (flags.readyFile) {
    const file = flags.readyFile;
    gateway.whenReady(120_000).then(async (ok) => {
      if (ok) await Deno.writeTextFile(file, "ready\n");
    });
  }
  const stop = async (signal: string) => {
    log.info("Draining", { signal });
    await gateway.drain(10_000);
    await server.shutdown();
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
    const code = (err as { exitCode?: number }).exitCode;
    if (typeof code === "number") Deno.exit(code);
    console.error(err instanceof Error ? err.message : String(err));
    Deno.exit(2);
  }
}
