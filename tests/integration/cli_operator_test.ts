/**
 * The whole path a desktop client takes, with the real operator: an MCP SDK client runs
 * `kubectl nmcp connect everything --stdio`; the plugin requests the server, the operator
 * starts its pod (gateway sidecar + the everything server over FIFOs), the plugin waits for
 * Ready by watch, port-forwards to the gateway and bridges stdio to it.
 */

import assert from "node:assert/strict";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { nmcp, ROOT, sh } from "./_cli_env.ts";
import { everything, startOperatorEnv } from "./operator_env.ts";

Deno.test("kubectl nmcp connect --stdio wakes an operator-managed server and calls a tool", async () => {
  const e = await startOperatorEnv();
  try {
    await e.startOperator();
    const denoDir = Deno.execPath().replace(/\/[^/]*$/, "");
    const env = {
      ...e.env,
      PATH: `${ROOT}/bin:${denoDir}:/usr/local/bin:/usr/bin:/bin`,
      NMCP_FROM_SOURCE: "1",
    };
    const applied = await sh(
      env,
      "kubectl",
      ["nmcp", "apply", "-f", "-"],
      everything("everything"),
    );
    assert.equal(applied.stdout, "mcpserver.nmcp.nwrx.io/everything serverside-applied\n");
    assert.match((await nmcp(env, "ls")).stdout, /^mcpserver\/everything\s+default\s+Idle\s/m);

    const transport = new StdioClientTransport({
      command: "kubectl",
      args: ["nmcp", "connect", "everything", "--stdio", "--timeout", "90"],
      env,
      stderr: "pipe",
    });
    const client = new Client({ name: "cli-operator-test", version: "1.0.0" });
    await client.connect(transport);
    try {
      const result = await client.callTool({
        name: "echo",
        arguments: { message: "via operator" },
      });
      assert.deepEqual(result.content, [{ type: "text", text: "Echo: via operator" }]);
      const ls = await nmcp(env, "ls", "-o", "wide");
      assert.match(ls.stdout, /^mcpserver\/everything\s+default\s+Ready\s+stdio\s/m);
      const logs = await nmcp(env, "logs", "everything", "--gateway");
      assert.equal(logs.code, 0, logs.stderr);
      assert.notEqual(logs.stdout, "");
    } finally {
      await client.close();
    }
  } finally {
    await e.close();
  }
});
