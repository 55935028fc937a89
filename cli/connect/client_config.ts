/** Client configuration for a tunnelled MCP server: the printed snippets and `--configure`. */

/** The snippets printed by `connect`: VS Code, Claude Desktop, MCP Inspector. */
export function clientConfig(name: string, url: string, namespace: string): string {
  const vscode = { servers: { [name]: { type: "http", url } } };
  const args = ["nmcp", "connect", name, "--stdio", "-n", namespace];
  const claude = { mcpServers: { [name]: { command: "kubectl", args } } };
  return [
    `MCP endpoint: ${url}`,
    "",
    "VS Code (.vscode/mcp.json):",
    JSON.stringify(vscode, null, 2),
    "",
    "Claude Desktop (claude_desktop_config.json; runs its own tunnel over stdio):",
    JSON.stringify(claude, null, 2),
    "",
    "MCP Inspector:",
    `npx @modelcontextprotocol/inspector --transport http --server-url ${url}`,
    "",
    "Or let nmcp write it: kubectl nmcp connect NAME --configure claude|vscode|vscode-user|cursor",
    "",
  ].join("\n");
}

/** The clients `--configure` knows. */
export const CLIENTS = ["claude", "vscode", "vscode-user", "cursor"] as const;

/** A client `--configure` knows. */
export type ClientName = typeof CLIENTS[number];

/** What a stdio entry runs. */
export interface StdioCommand {
  /** Absolute path of the plugin's launcher. */
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** Where the machine keeps things (injected so the paths are testable). */
export interface Places {
  os: string;
  home: string;
  cwd: string;
  /** %APPDATA% on Windows. */
  appData?: string;
}

/** The config file of a client on this machine (Claude Desktop's, VS Code's, Cursor's). */
export function configPath(client: ClientName, p: Places): string {
  const appData = p.os === "windows"
    ? (p.appData ?? `${p.home}\\AppData\\Roaming`)
    : p.os === "darwin"
    ? `${p.home}/Library/Application Support`
    : `${p.home}/.config`;
  const sep = p.os === "windows" ? "\\" : "/";
  switch (client) {
    case "claude":
      return [appData, "Claude", "claude_desktop_config.json"].join(sep);
    case "vscode":
      return [p.cwd, ".vscode", "mcp.json"].join(sep);
    case "vscode-user":
      return [appData, "Code", "User", "mcp.json"].join(sep);
    case "cursor":
      return [p.home, ".cursor", "mcp.json"].join(sep);
  }
}

/** The `connect --stdio` command line for a server, with the kube flags it was given. */
export function stdioCommand(
  launcher: string,
  server: { name: string; namespace: string; context?: string; kubeconfig?: string },
  deno: string,
): StdioCommand {
  const args = ["connect", server.name, "--stdio", "-n", server.namespace];
  if (server.context) args.push("--context", server.context);
  const env: Record<string, string> = { NMCP_DENO: deno };
  if (server.kubeconfig) env.KUBECONFIG = server.kubeconfig;
  return { command: launcher, args, env };
}

/** `existing` (a parsed config file, or undefined) with the server's entry set, others kept. */
export function mergeClientConfig(
  existing: unknown,
  client: ClientName,
  name: string,
  cmd: StdioCommand,
): Record<string, unknown> {
  if (existing !== undefined && (typeof existing !== "object" || Array.isArray(existing))) {
    throw new TypeError("Cannot merge into the config file: it is not a JSON object");
  }
  const doc = { ...(existing as Record<string, unknown> | undefined ?? {}) };
  const key = client.startsWith("vscode") ? "servers" : "mcpServers";
  const entry = client.startsWith("vscode") ? { type: "stdio", ...cmd } : { ...cmd };
  const section = doc[key] ?? {};
  if (typeof section !== "object" || Array.isArray(section)) {
    throw new TypeError(`Cannot merge into the config file: "${key}" is not an object`);
  }
  doc[key] = { ...section, [name]: entry };
  return doc;
}
