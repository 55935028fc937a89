/**
 * The gateway's command line, parsed here without libraries: any `node:` import (commander, even
 * `node:util`'s parseArgs) boots Deno's Node compatibility layer, ~5 MiB of RSS in every pod.
 */

/** Parsed gateway flags with their defaults applied. */
export interface Flags {
  host: string;
  port: number;
  stdio?: boolean;
  fifo?: string;
  http?: string;
  sse?: string;
  virtual?: boolean;
  declaredFile?: string;
  serverName?: string;
  perSession?: boolean;
  allowedOrigins?: string[];
  allowedHosts?: string[];
  tokenFile?: string;
  tokenEnv?: string;
  loopbackRequiresToken?: boolean;
  toolsPolicy?: string;
  toolsPolicyFile?: string;
  maxBody: number;
  maxSessions: number;
  maxSessionsPerClient: number;
  sessionUnusedTimeout: number;
  bodyTimeout: number;
  headerTimeout: number;
  drainTimeout: number;
  sessionIdleTimeout: number;
  requestTimeout: number;
  logLevel: string;
  readyFile?: string;
}

/** What the command line asks for: help, or a run with flags and the stdio command. */
export type Parsed = { help: true } | { help: false; flags: Flags; command: string[] };

/** The `--help` text. */
export const USAGE =
  `Usage: nmcp-gateway [options] (--stdio -- CMD ARGS… | --fifo DIR | --http URL | --sse URL | --virtual)

MCP gateway: many isolated client sessions over one MCP server

Options:
  --host <host>                     listen address (default: "0.0.0.0")
  --port <port>                     listen port, 0 = ephemeral (default: 8080)
  --stdio                           spawn the stdio server given after --
  --fifo <dir>                      stdio server in another container via DIR/in and DIR/out
  --http <url>                      proxy an upstream Streamable HTTP server
  --sse <url>                       proxy an upstream legacy SSE server
  --virtual                         no upstream: serve only the --declared-file objects
  --declared-file <file>            declared tools/prompts/resources (JSON), reloaded on change
  --server-name <name>              serverInfo.name of a --virtual server (default: "declared")
  --per-session                     one upstream process per client session (stdio)
  --allowed-origins <list>          Origin allowlist, comma separated
  --allowed-hosts <list>            Host allowlist, comma separated (* = any)
  --token-file <file>               require this bearer token (read from file)
  --token-env <name>                require this bearer token (read from env)
  --loopback-requires-token         require the token from the pod's loopback too
  --tools-policy <json>             per-tool policy {allow?, deny?, rules?}
  --tools-policy-file <file>        per-tool policy read from a JSON file
  --max-body <bytes>                largest request body (default: 4194304)
  --max-sessions <n>                most open sessions (default: 1000)
  --max-sessions-per-client <n>     most open sessions of one caller or peer (default: 100)
  --session-idle-timeout <seconds>  end idle sessions after (default: 1800)
  --session-unused-timeout <secs>   end sessions with no request after initialize (default: 60)
  --body-timeout <seconds>          408 when a request body takes longer (default: 30)
  --header-timeout <seconds>        408 and close when a request head takes longer,
                                    0 = no limit (default: 10)
  --drain-timeout <seconds>         on SIGTERM, wait this long for requests, then exit (default: 10)
  --request-timeout <seconds>       fail a request the server leaves unanswered, without
                                    progress, for this long (default: 600)
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
  "declared-file",
  "server-name",
  "allowed-origins",
  "allowed-hosts",
  "token-file",
  "token-env",
  "tools-policy",
  "tools-policy-file",
  "max-body",
  "max-sessions",
  "max-sessions-per-client",
  "session-unused-timeout",
  "body-timeout",
  "header-timeout",
  "drain-timeout",
  "session-idle-timeout",
  "request-timeout",
  "log-level",
  "ready-file",
] as const;

const BOOLEANS = new Set(["stdio", "virtual", "per-session", "loopback-requires-token", "help"]);
const SHORT: Record<string, string> = { h: "help" };

const bad = (why: string) => new TypeError(`Cannot parse gateway flags: ${why}`);

/** Splits argv into flag values and positionals (everything after `--`, and bare words). */
function scan(argv: string[]): { values: Map<string, string | true>; positionals: string[] } {
  const values = new Map<string, string | true>();
  const positionals: string[] = [];
  const known = new Set<string>([...BOOLEANS, ...STRINGS]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const raw = arg.startsWith("--") ? arg.slice(2, eq < 0 ? undefined : eq) : arg.slice(1);
    const name = arg.startsWith("--") ? raw : SHORT[raw];
    if (name === undefined || !known.has(name)) throw bad(`unknown option "${arg}"`);
    if (BOOLEANS.has(name)) {
      if (eq >= 0) throw bad(`option "--${name}" takes no value`);
      values.set(name, true);
    } else if (eq >= 0) values.set(name, arg.slice(eq + 1));
    else if (i + 1 < argv.length) values.set(name, argv[++i]);
    else throw bad(`option "--${name} <value>" needs a value`);
  }
  return { values, positionals };
}

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
  const { values, positionals } = scan(argv);
  if (values.get("help")) return { help: true };
  const s = (k: string) => values.get(k) as string | undefined;
  const b = (k: string) => values.has(k) ? true : undefined;
  const flags: Flags = {
    host: s("host") ?? "0.0.0.0",
    port: int("port", s("port"), 8080),
    stdio: b("stdio"),
    fifo: s("fifo"),
    http: s("http"),
    sse: s("sse"),
    virtual: b("virtual"),
    declaredFile: s("declared-file"),
    serverName: s("server-name"),
    perSession: b("per-session"),
    allowedOrigins: list(s("allowed-origins")),
    allowedHosts: list(s("allowed-hosts")),
    tokenFile: s("token-file"),
    tokenEnv: s("token-env"),
    loopbackRequiresToken: b("loopback-requires-token"),
    toolsPolicy: s("tools-policy"),
    toolsPolicyFile: s("tools-policy-file"),
    maxBody: int("max-body", s("max-body"), 4 * 1024 * 1024),
    maxSessions: int("max-sessions", s("max-sessions"), 1000),
    maxSessionsPerClient: int("max-sessions-per-client", s("max-sessions-per-client"), 100),
    sessionUnusedTimeout: int("session-unused-timeout", s("session-unused-timeout"), 60),
    bodyTimeout: int("body-timeout", s("body-timeout"), 30),
    headerTimeout: int("header-timeout", s("header-timeout"), 10),
    drainTimeout: int("drain-timeout", s("drain-timeout"), 10),
    sessionIdleTimeout: int("session-idle-timeout", s("session-idle-timeout"), 1800),
    requestTimeout: int("request-timeout", s("request-timeout"), 600),
    logLevel: s("log-level") ?? "info",
    readyFile: s("ready-file"),
  };
  return { help: false, flags, command: positionals };
}
