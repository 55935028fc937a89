/**
 * The gateway's command line, parsed with `node:util`'s `parseArgs` (commander pulls in most of
 * Deno's Node compatibility layer, ~10 MB of idle RSS; `parseArgs` costs ~1 MB).
 */
import { parseArgs } from "node:util";

/** Parsed gateway flags with their defaults applied. */
export interface Flags {
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

/** What the command line asks for: help, or a run with flags and the stdio command. */
export type Parsed = { help: true } | { help: false; flags: Flags; command: string[] };

/** The `--help` text. */
export const USAGE =
  `Usage: nmcp-gateway [options] (--stdio -- CMD ARGS… | --fifo DIR | --http URL | --sse URL)

MCP gateway: many isolated client sessions over one MCP server

Options:
  --host <host>                     listen address (default: "0.0.0.0")
  --port <port>                     listen port, 0 = ephemeral (default: 8080)
  --stdio                           spawn the stdio server given after --
  --fifo <dir>                      stdio server in another container via DIR/in and DIR/out
  --http <url>                      proxy an upstream Streamable HTTP server
  --sse <url>                       proxy an upstream legacy SSE server
  --per-session                     one upstream process per client session (stdio)
  --allowed-origins <list>          Origin allowlist, comma separated
  --allowed-hosts <list>            Host allowlist, comma separated (* = any)
  --token-file <file>               require this bearer token (read from file)
  --token-env <name>                require this bearer token (read from env)
  --max-body <bytes>                largest request body (default: 4194304)
  --max-sessions <n>                most open sessions (default: 1000)
  --session-idle-timeout <seconds>  end idle sessions after (default: 1800)
  --log-level <level>               debug|info|warn|error (default: "info")
  --ready-file <file>               touch this file when ready
  -h, --help                        display help
`;

const STRINGS = [
  "host",
  "port",
  "fifo",
  "http",
  "sse",
  "allowed-origins",
  "allowed-hosts",
  "token-file",
  "token-env",
  "max-body",
  "max-sessions",
  "session-idle-timeout",
  "log-level",
  "ready-file",
] as const;

type Spec = { type: "string" | "boolean"; short?: string };
const OPTIONS: Record<string, Spec> = {
  stdio: { type: "boolean" },
  "per-session": { type: "boolean" },
  help: { type: "boolean", short: "h" },
  ...Object.fromEntries(STRINGS.map((k) => [k, { type: "string" } as Spec])),
};

function int(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (value.trim() === "" || !Number.isInteger(n) || n < 0) {
    throw new TypeError(`Cannot parse flag "--${name}": expected a non-negative integer`);
  }
  return n;
}

const list = (value: string | undefined) =>
  value?.split(",").map((s) => s.trim()).filter((s) => s !== "");

/** Parses `argv` (without the program name); throws a one-line TypeError on bad flags. */
export function parseFlags(argv: string[]): Parsed {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (err) {
    const msg = (err instanceof Error ? err.message : String(err)).split("\n")[0];
    throw new TypeError(`Cannot parse gateway flags: ${msg}`);
  }
  const v = parsed.values as Record<string, string | boolean | undefined>;
  if (v.help) return { help: true };
  const s = (k: string) => v[k] as string | undefined;
  const flags: Flags = {
    host: s("host") ?? "0.0.0.0",
    port: int("port", s("port"), 8080),
    stdio: v.stdio as boolean | undefined,
    fifo: s("fifo"),
    http: s("http"),
    sse: s("sse"),
    perSession: v["per-session"] as boolean | undefined,
    allowedOrigins: list(s("allowed-origins")),
    allowedHosts: list(s("allowed-hosts")),
    tokenFile: s("token-file"),
    tokenEnv: s("token-env"),
    maxBody: int("max-body", s("max-body"), 4 * 1024 * 1024),
    maxSessions: int("max-sessions", s("max-sessions"), 1000),
    sessionIdleTimeout: int("session-idle-timeout", s("session-idle-timeout"), 1800),
    logLevel: s("log-level") ?? "info",
    readyFile: s("ready-file"),
  };
  return { help: false, flags, command: parsed.positionals };
}
