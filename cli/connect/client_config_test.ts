import assert from "node:assert/strict";
import { configPath, mergeClientConfig, stdioCommand } from "./client_config.ts";

Deno.test("configPath() follows each client's platform path", () => {
  const linux = { os: "linux", home: "/h", cwd: "/w" };
  assert.equal(configPath("claude", linux), "/h/.config/Claude/claude_desktop_config.json");
  assert.equal(
    configPath("claude", { ...linux, os: "darwin" }),
    "/h/Library/Application Support/Claude/claude_desktop_config.json",
  );
  assert.equal(
    configPath("claude", { os: "windows", home: "C:\\U", cwd: "C:\\w", appData: "C:\\A" }),
    "C:\\A\\Claude\\claude_desktop_config.json",
  );
  assert.equal(configPath("vscode", linux), "/w/.vscode/mcp.json");
  assert.equal(configPath("vscode-user", linux), "/h/.config/Code/User/mcp.json");
  assert.equal(configPath("cursor", linux), "/h/.cursor/mcp.json");
});

Deno.test("mergeClientConfig() sets one entry and keeps the rest of the file", () => {
  const cmd = stdioCommand("/r/bin/kubectl-nmcp", {
    name: "gh",
    namespace: "team",
    context: "prod",
    kubeconfig: "/k/a:/k/b",
  }, "/d/deno");
  assert.deepEqual(cmd, {
    command: "/r/bin/kubectl-nmcp",
    args: ["connect", "gh", "--stdio", "-n", "team", "--context", "prod"],
    env: { NMCP_DENO: "/d/deno", KUBECONFIG: "/k/a:/k/b" },
  });
  const existing = {
    theme: "dark",
    mcpServers: { other: { command: "x" }, gh: { command: "old" } },
  };
  assert.deepEqual(mergeClientConfig(existing, "claude", "gh", cmd), {
    theme: "dark",
    mcpServers: { other: { command: "x" }, gh: cmd },
  });
  assert.deepEqual(mergeClientConfig(undefined, "vscode", "gh", cmd), {
    servers: { gh: { type: "stdio", ...cmd } },
  });
  assert.throws(() => mergeClientConfig([], "cursor", "gh", cmd), /not a JSON object/);
  assert.throws(
    () => mergeClientConfig({ mcpServers: [] }, "cursor", "gh", cmd),
    /"mcpServers" is not an object/,
  );
});
