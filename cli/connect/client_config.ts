/** Ready-to-paste client configuration for a tunnelled MCP server (pure text). */

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
  ].join("\n");
}
