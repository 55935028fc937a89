/**
 * `kubectl nmcp`: the kubectl plugin of nmcp. This module only parses arguments; each verb
 * lives in `commands/<verb>.ts` and is imported when run, so `--help` loads no client code.
 *
 * @module
 */

import { Argument, Command, Option } from "@commander-js/extra-typings";
import { type Context, createContext } from "./context.ts";
import { examplesText } from "./examples.ts";
import { type IO, processIO } from "./io.ts";
import type { KubeFlags } from "./kube_flags.ts";

/** The modules of the verbs, imported on demand. */
const COMMANDS = {
  install: () => import("./commands/install.ts"),
  export: () => import("./commands/export.ts"),
  apply: () => import("./commands/apply.ts"),
  delete: () => import("./commands/delete.ts"),
  get: () => import("./commands/get.ts"),
  describe: () => import("./commands/describe.ts"),
  ls: () => import("./commands/ls.ts"),
  request: () => import("./commands/request.ts"),
  logs: () => import("./commands/logs.ts"),
  connect: () => import("./commands/connect.ts"),
  completion: () => import("./commands/completion.ts"),
  operator: () => import("./commands/operator.ts"),
  run: () => import("./commands/run.ts"),
  add: () => import("./commands/add.ts"),
  secret: () => import("./commands/secret.ts"),
  tools: () => import("./commands/tools.ts"),
  diff: () => import("./commands/diff.ts"),
  version: () => import("./commands/version.ts"),
} as const;

/** A command module: `run(args, opts, ctx)` returns the exit code. */
type Verb = keyof typeof COMMANDS;

const outputOption = () =>
  new Option(
    "-o, --output <format>",
    "wide, json, yaml, name, jsonpath=TEMPLATE, jsonpath-file=FILE, custom-columns=SPEC, " +
      "custom-columns-file=FILE",
  );

/** kubectl's `--validate` (strict by default) and `--dry-run` flags. */
const VALIDATE = [
  "--validate [mode]",
  "unknown fields: strict (or true) refuses, warn drops with a warning, ignore (or false) drops",
  "strict",
] as const;
const DRY_RUN = [
  "--dry-run [strategy]",
  "none, client (print only) or server (the API server checks, stores nothing)",
] as const;

type Dispatch = (verb: Verb, name: string, args: string[], opts: Record<string, unknown>) => void;
type On = (verb: Verb, name?: string) => (...params: unknown[]) => void;

const EXAMPLES = `
Examples:
  kubectl nmcp install                      # CRDs, RBAC and the operator
  kubectl nmcp apply -f examples/           # MCPServers and MCPPools
  kubectl nmcp ls -A                        # servers and pools, all namespaces
  kubectl nmcp connect everything           # tunnel + client configuration
  kubectl nmcp connect everything --stdio   # for {"command": "kubectl", "args": [...]}
  kubectl nmcp gateway --port 8080          # router + API here, /api/v1/servers/NAME/sse
`;

function rootCommand(io: IO) {
  return new Command()
    .name("kubectl nmcp")
    .description("Run MCP servers on Kubernetes on demand, and connect to them.")
    .option("-n, --namespace <namespace>", "namespace of the request")
    .option("-A, --all-namespaces", "list across all namespaces")
    .option("--context <name>", "kubeconfig context to use")
    .option("--kubeconfig <path>", "path to the kubeconfig file")
    .option("-v, --verbose", "progress and stack traces on stderr")
    .showHelpAfterError("(add --help for usage)")
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.out(s),
      writeErr: (s) => io.err(s),
      // kubectl's (cobra's) words for a flag it does not know.
      outputError: (s, write) =>
        write(s.replace(/^error: unknown option '([^']*)'/, "error: unknown flag: $1")),
    })
    .addHelpText("after", EXAMPLES);
}

function addInstallCommands(program: Command, on: On): void {
  const ns = ["--operator-namespace <ns>", "namespace of the operator", "nmcp-system"] as const;
  program.command("install").description("install the CRDs and the operator")
    .option("--image <image>", "operator image (default ghcr.io/nwrx/nmcp:<version>)")
    .option("--version <version>", "image tag to install", "latest")
    .option(...ns)
    .option(
      "--pull-secrets-cluster-wide",
      "let the operator read image pull Secrets in every namespace (default: per-namespace RoleBinding)",
    )
    .action(on("install"));
  program.command("uninstall").description("remove the operator and the CRDs")
    .option("--keep-crds", "keep the CRDs (and with them all MCPServers and MCPPools)")
    .option(...ns)
    .action(on("install", "uninstall"));
  const type = new Option("--type <type>", "what to print").choices(["crd", "manifests"] as const);
  program.command("export").description("print the install objects as YAML")
    .addOption(type.default("manifests"))
    .addOption(
      new Option("--resource <resource>", "with --type crd: only this CRD")
        .choices(["server", "pool", "tool", "prompt", "resource"] as const),
    )
    .option("--image <image>", "operator image")
    .option("--version <version>", "image tag", "latest")
    .option(...ns)
    .action(on("export"));
  const shells = new Argument("<shell>", "bash, zsh or fish").choices(["bash", "zsh", "fish"]);
  program.command("completion").description("print a shell completion script")
    .addArgument(shells)
    .action(on("completion"));
}

function addResourceCommands(program: Command, on: On): void {
  program.command("apply").description("create or update MCPServers and MCPPools (server-side)")
    .requiredOption("-f, --filename <path...>", "file, directory or - for stdin")
    .option("--force-conflicts", "take ownership of fields other managers set")
    .option(...VALIDATE)
    .option(...DRY_RUN)
    .action(on("apply"));
  program.command("delete").description("delete MCPServers or MCPPools")
    .argument("[args...]", "[TYPE] NAME... or TYPE/NAME...")
    .option("-f, --filename <path...>", "delete the objects in these files")
    .option("--all", "every object of TYPE in the namespace (-A: everywhere)")
    .option("-l, --selector <selector>", "the objects of TYPE with these labels")
    .option("--ignore-not-found", "treat absent objects as deleted")
    .option(...DRY_RUN)
    .action(on("delete"));
  program.command("get").description("show MCPServers or MCPPools")
    .argument("[args...]", "[TYPE] [NAME...] (TYPE defaults to mcpserver)")
    .addOption(outputOption())
    .option("-l, --selector <selector>", "label selector")
    .option("-w, --watch", "watch for changes")
    .option("--show-labels", "add a LABELS column")
    .action(on("get"));
  program.command("describe").description("show conditions, pod, endpoint, activity, events")
    .argument("<args...>", "[TYPE] NAME...")
    .action(on("describe"));
  program.command("ls").description("list servers and pools in one view")
    .addOption(outputOption())
    .option("-l, --selector <selector>", "label selector")
    .option("-w, --watch", "watch for changes")
    .option("--show-labels", "add a LABELS column")
    .action(on("ls"));
}

function addInspectCommands(program: Command, on: On): void {
  program.command("diff").description("show what apply would change (exit 0 same, 1 differs)")
    .requiredOption("-f, --filename <path...>", "file, directory or - for stdin")
    .option("--force-conflicts", "diff as if apply took fields other managers set")
    .option(...VALIDATE)
    .action(on("diff"));
  program.command("version").description("print the plugin's, API server's and operator's versions")
    .option("--client", "only the plugin's version (no cluster)")
    .option("-o, --output <format>", "json or yaml")
    .option("--operator-namespace <ns>", "namespace of the operator", "nmcp-system")
    .action(on("version"));
}

function addServerCommands(program: Command, on: On): void {
  program.command("start").description("request servers to run")
    .argument("<names...>", "MCPServer names")
    .option("--wait", "wait until Ready")
    .option("--timeout <seconds>", "how long --wait waits", "120")
    .action(on("request", "start"));
  program.command("stop").description("stop running servers")
    .argument("<names...>", "MCPServer names")
    .action(on("request", "stop"));
  program.command("logs").description("print the logs of a server's MCP container")
    .argument("<name>", "MCPServer name")
    .option("-f, --follow", "stream new lines")
    .option("--gateway", "the gateway sidecar's logs instead")
    .option("--tail <lines>", "lines from the end to show")
    .option("--previous", "the previous container's logs")
    .action(on("logs"));
  program.command("connect").description("wake a server and tunnel it to 127.0.0.1")
    .argument("<name>", "MCPServer name")
    .option("--port <port>", "local port (default: any free port)", "0")
    .option("--timeout <seconds>", "how long to wait for Ready", "120")
    .option("--stdio", "be a stdio MCP server bridged to the remote one")
    .option("--refresh <seconds>", "re-request the server this often (0 = let it idle out)", "0")
    .option("--configure <client>", "write claude|vscode|vscode-user|cursor's config file, exit")
    .option("--config-file <path>", "with --configure: this file instead of the client's own")
    .action(on("connect"));
}

function addRunCommands(program: Command, on: On): void {
  const verbs = [
    ["operator", "run the operator here, against the current kubeconfig"],
    ["gateway", "run only the router and management API here (operator --disable-operator)"],
  ] as const;
  for (const [name, description] of verbs) {
    const cmd = program.command(name).description(description)
      .option("--host <host>", "listen address", "127.0.0.1")
      .option("--port <port>", "listen port", "8080");
    if (name === "operator") {
      cmd.option("--disable-operator", "router and API only: no controller, no leader election");
    }
    cmd.option("--disable-api", "no management API (router, health and metrics only)")
      .option("--log-level <level>", "debug, info, warn or error", "info")
      .option("--gateway-image <image>", "gateway sidecar image", "ghcr.io/nwrx/nmcp:latest")
      .option("--no-leader-elect", "run the controller without leader election")
      .addOption(
        new Option("--auth <mode>", "kubernetes, or none (local development only)")
          .choices(["kubernetes", "none"] as const).default("kubernetes"),
      )
      .action(on("operator", name));
  }
}

const collect = (value: string, previous: string[]) => [...previous, value];

const RUN_EXAMPLES = `
Examples:
  kubectl nmcp run everything --image node:22-alpine -- npx -y @modelcontextprotocol/server-everything stdio
  kubectl nmcp run everything --package npm:@modelcontextprotocol/server-everything@2026.8.31 -- stdio
  kubectl nmcp run fetch --package pypi:mcp-server-fetch --dry-run=client -o yaml
  kubectl nmcp run web --image ghcr.io/acme/web-mcp --port 3000 --env LOG_LEVEL=debug
`;

const PACKAGE_EXAMPLES = `
Examples:
  kubectl nmcp add --from server.json                       # first npm, pypi or oci package
  kubectl nmcp add github --from https://example.com/server.json --env GITHUB_TOKEN=…
  kubectl nmcp secret set github GITHUB_TOKEN < token.txt
  kubectl nmcp tools everything
  kubectl nmcp call everything echo message=hello
  kubectl nmcp call everything get-sum --json '{"a": 1, "b": 2}' -o json
`;

function addPackageCommands(program: Command, on: On): void {
  const dryRun = () =>
    new Option("--dry-run [strategy]", "client: print the object without creating it");
  const write = () =>
    new Option("-o, --output <format>", "print the object: json, yaml or name")
      .choices(["json", "yaml", "name"] as const);
  program.command("run").description("create an MCPServer from an image or a package in one line")
    .argument("<name>", "MCPServer name")
    .argument("[command...]", "after --: the command (with --image) or package arguments")
    .option("--image <image>", "container image of the server")
    .option("--package <ref>", "npm:NAME[@VERSION], pypi:NAME[@VERSION] or oci:IMAGE")
    .option("-e, --env <K=V>", "environment variable (repeatable)", collect, [] as string[])
    .option("--port <port>", "the server listens on this port (streamable-http unless --transport)")
    .addOption(
      new Option("--transport <type>", "stdio, streamable-http or sse")
        .choices(["stdio", "streamable-http", "sse"] as const),
    )
    .option("--path <path>", "MCP endpoint path of an HTTP server")
    .option("--pool <pool>", "MCPPool of the server")
    .option("--idle-timeout <duration>", "idle time before scale-to-zero (60, 10m)")
    .option("-l, --labels <K=V>", "label (repeatable)", collect, [] as string[])
    .addOption(dryRun())
    .addOption(write())
    .addHelpText("after", RUN_EXAMPLES)
    .action(on("run"));
  program.command("add").description("create an MCPServer from an MCP registry server.json")
    .argument("[name]", "MCPServer name (default: from the entry's name)")
    .requiredOption("--from <file|url>", "server.json file, - for stdin, or an http(s) URL")
    .option("--package-index <n>", "which packages[] entry (default: first npm, pypi or oci)")
    .option(
      "-e, --env <K=V>",
      "value of a variable (secret ones go to the Secret)",
      collect,
      [] as string[],
    )
    .option(
      "--arg <K=V>",
      "value of an argument, by valueHint or flag name",
      collect,
      [] as string[],
    )
    .addOption(dryRun())
    .addOption(write())
    .addHelpText("after", PACKAGE_EXAMPLES)
    .action(on("add"));
  program.command("secret").description("set a key of a server's Secret (mcp-NAME-env)")
    .argument("<action>", "set")
    .argument("<name>", "MCPServer name")
    .argument("<key>", "variable name")
    .argument("[value]", "the value (default: --from-file, or stdin)")
    .option("--from-file <path>", "read the value from a file")
    .addHelpText("after", PACKAGE_EXAMPLES)
    .action(on("secret"));
}

function addCheckCommands(program: Command, on: On): void {
  const write = () =>
    new Option("-o, --output <format>", "json, yaml or name").choices(
      ["json", "yaml", "name"] as const,
    );
  const timeout = ["--timeout <seconds>", "how long to wait for Ready", "120"] as const;
  program.command("tools").description("list a server's tools (wakes it)")
    .argument("<name>", "MCPServer name")
    .option(...timeout)
    .addOption(write())
    .addHelpText("after", PACKAGE_EXAMPLES)
    .action(on("tools"));
  program.command("call").description("call one tool of a server (wakes it); exit 1 on isError")
    .argument("<name>", "MCPServer name")
    .argument("<tool>", "tool name")
    .argument("[args...]", "key=value arguments, typed by the tool's input schema")
    .option("--json <object>", "arguments as a JSON object (key=value pairs override)")
    .option(...timeout)
    .addOption(
      new Option("-o, --output <format>", "json or yaml: the whole result")
        .choices(["json", "yaml"] as const),
    )
    .addHelpText("after", PACKAGE_EXAMPLES)
    .action(on("tools", "call"));
}

/** Builds the command tree; `dispatch` receives (verb, name, positional args, options). */
export function buildProgram(dispatch: Dispatch, io: IO) {
  const program = rootCommand(io);
  const on: On = (verb, name = verb) => (...params: unknown[]) => {
    const cmd = params[params.length - 1] as Command;
    const args = params.slice(0, -2)
      .flatMap((p) => (Array.isArray(p) ? p : p === undefined ? [] : [p as string]));
    dispatch(verb, name, args, cmd.opts() as Record<string, unknown>);
  };
  const base = program as unknown as Command;
  addInstallCommands(base, on);
  addResourceCommands(base, on);
  addServerCommands(base, on);
  addRunCommands(base, on);
  addPackageCommands(base, on);
  addCheckCommands(base, on);
  addInspectCommands(base, on);
  for (const cmd of base.commands) {
    const text = examplesText(cmd.name());
    if (text) cmd.addHelpText("after", text);
  }
  return program;
}

/** The verb module's entry point. */
interface VerbModule {
  run(name: string, args: string[], opts: Record<string, unknown>, ctx: Context): Promise<number>;
}

function flagsOf(opts: Record<string, unknown>): KubeFlags {
  return {
    namespace: opts.namespace as string | undefined,
    allNamespaces: opts.allNamespaces === true,
    context: opts.context as string | undefined,
    kubeconfig: opts.kubeconfig as string | undefined,
    verbose: opts.verbose === true,
  };
}

/** Runs the plugin with `argv` (without the program name); resolves to the exit code. */
export async function main(argv: string[], io: IO = processIO()): Promise<number> {
  if (argv[0] === "__complete" || argv[0] === "__completeNoDesc") {
    const { complete } = await import("./commands/complete.ts");
    return await complete(argv.slice(1), io, argv[0] === "__complete");
  }
  let picked:
    | { verb: Verb; name: string; args: string[]; opts: Record<string, unknown> }
    | undefined;
  const program = buildProgram((verb, name, args, opts) => {
    picked = { verb, name, args, opts };
  }, io);
  if (argv.length === 0) {
    io.out(program.helpInformation());
    return 0;
  }
  try {
    program.parse(argv, { from: "user" });
  } catch (err) {
    const code = (err as { exitCode?: number }).exitCode;
    return typeof code === "number" ? code : 1;
  }
  if (!picked) {
    io.out(program.helpInformation());
    return 0;
  }
  const flags = flagsOf(program.opts());
  const ctx = createContext(flags, io);
  try {
    const mod = await COMMANDS[picked.verb]() as VerbModule;
    return await mod.run(picked.name, picked.args, picked.opts, ctx);
  } catch (err) {
    const { errorText } = await import("./output/errors.ts");
    io.err(errorText(err));
    if (flags.verbose && err instanceof Error && err.stack) io.err(err.stack + "\n");
    return 1;
  }
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
