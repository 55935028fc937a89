/**
 * `kubectl nmcp connect NAME --stdio` driven by a real MCP SDK client. The operator is not part
 * of this test: it creates the MCP pod itself (the gateway sidecar in front of the everything
 * server, via the harness images) and sets the MCPServer status the operator would set.
 */

import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { HARNESS_READY, installCrds, nmcp, ROOT, sh, startCliEnv } from "./_cli_env.ts";

const EVERYTHING = `${ROOT}/node_modules/@modelcontextprotocol/server-everything/dist/index.js`;

function podManifest(): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "echo-pod", namespace: "default", labels: { "nmcp.nwrx.io/server": "echo" } },
    spec: {
      containers: [{
        name: "gateway",
        image: "ghcr.io/nwrx/nmcp:test",
        args: [
          "--port",
          "8080",
          "--stdio",
          "--",
          Deno.execPath(),
          "run",
          "-A",
          "--config",
          `${ROOT}/deno.json`,
          EVERYTHING,
          "stdio",
        ],
        ports: [{ name: "mcp", containerPort: 8080 }],
      }],
    },
  });
}

async function waitFor<T>(
  what: string,
  ms: number,
  probe: () => Promise<T | undefined>,
): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe().catch(() => undefined);
    if (v !== undefined) return v;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}

Deno.test({
  name: "kubectl nmcp connect --stdio bridges an SDK client to the pod's gateway",
  ignore: !HARNESS_READY,
  async fn() {
    const t = await startCliEnv();
    const env = t.env;
    try {
      await installCrds(env);
      const server =
        `apiVersion: nmcp.nwrx.io/v1\nkind: MCPServer\nmetadata: {name: echo}\nspec: {image: mcp/everything}\n`;
      assert.equal((await sh(env, "kubectl", ["nmcp", "apply", "-f", "-"], server)).code, 0);
      const pod = await sh(env, "kubectl", ["apply", "-f", "-"], podManifest());
      assert.equal(pod.code, 0, pod.stderr);
      const ip = await waitFor("the pod IP", 30_000, async () => {
        const r = await sh(env, "kubectl", [
          "get",
          "pod",
          "echo-pod",
          "-o",
          "jsonpath={.status.podIP}",
        ]);
        return r.stdout || undefined;
      });
      await waitFor("the gateway /readyz", 30_000, async () => {
        const res = await fetch(`http://${ip}:8080/readyz`);
        await res.body?.cancel();
        return res.ok ? true : undefined;
      });
      const status = await sh(env, "kubectl", [
        "patch",
        "mcpserver",
        "echo",
        "--subresource=status",
        "--type=merge",
        "-p",
        '{"status":{"phase":"Ready","podName":"echo-pod"}}',
      ]);
      assert.equal(status.code, 0, status.stderr);

      const transport = new StdioClientTransport({
        command: "kubectl",
        args: ["nmcp", "connect", "echo", "--stdio"],
        env,
        stderr: "pipe",
      });
      const client = new Client({ name: "cli-test", version: "1.0.0" });
      await client.connect(transport);
      try {
        const tools = await client.listTools();
        assert.ok(tools.tools.some((tool: { name: string }) => tool.name === "echo"));
        const result = await client.callTool({ name: "echo", arguments: { message: "hello" } });
        assert.deepEqual(result.content, [{ type: "text", text: "Echo: hello" }]);
      } finally {
        await client.close();
      }
      const described = await nmcp(env, "describe", "echo");
      assert.match(described.stdout, /nmcp\.nwrx\.io\/requested-at=/);
    } finally {
      await t.close();
    }
  },
});
