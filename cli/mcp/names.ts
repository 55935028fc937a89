/** Names the plugin gives the objects it makes for a server. */

/** Name of the Secret holding a server's environment values (`mcp-<server>-env`). */
export function envSecretName(server: string): string {
  // Distinct from the operator's `mcp-<server>-token` (the gateway token): another suffix.
  const name = `mcp-${server}-env`;
  if (name.length > 253) {
    throw new TypeError(`Cannot name the Secret of MCPServer "${server}": the name is too long`);
  }
  return name;
}
