/**
 * The whole path a desktop client takes, with the real operator: an MCP SDK client runs
 * `kubectl nmcp connect everything --stdio`; the plugin requests the server, the operator
 * starts its pod (gateway sidecar + the everything server over FIFOs), the plugin waits for
 * Ready by watch, port-forwards to the gateway and bridges stdio to it.
 */

import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { nmcp, pluginEnv, sh } from "./_cli_env.ts";
import { everything, getServer, startOperatorEnv, until } from "./operator_env.ts";

Deno.test("kubectl nmcp connect --stdio wakes an operator-managed server and calls a tool", async () => {
  const e = await startOperatorEnv();
  try {
    await e.startOperator();
    const env = await pluginEnv(e.env, { source: true });
    const applied = await sh(
      env,
      "kubectl",
      ["nmcp", "apply", "-f", "-"],
      everything("everything"),
    );
    assert.equal(applied.stdout, "mcpserver.nmcp.nwrx.io/everything serverside-applied\n");
    assert.match((await nmcp(env, "ls")).stdout, /^mcpserver\/everything\s+Idle\s+default\s/m);

    const transport = new StdioClientTransport({
      command: "kubectl",
      args: ["nmcp", "connect", "everything", "--stdio", "--timeout", "90"],
      env,
      stderr: "pipe",
    });
    const client = new Client({ name: "cli-operator-test", version: "1.0.0" });
    await client.connect(transport, { timeout: 120_000 });
    try {
      const result = await client.callTool({
        name: "echo",
        arguments: { message: "via operator" },
      });
      assert.deepEqual(result.content, [{ type: "text", text: "Echo: via operator" }]);
      const ls = await nmcp(env, "ls", "-o", "wide");
      assert.match(ls.stdout, /^mcpserver\/everything\s+Ready\s+default\s+stdio\s/m);
      const described = (await nmcp(env, "describe", "everything")).stdout;
      assert.match(described, /^ {2}Pod:\s+everything-\S+ \(Running, \d+\/\d+ ready/m);
      assert.match(described, /^ {2}Endpoint:\s+http:\/\//m);
      assert.match(described, /^Conditions:\n\s+Type\s+Status\s+Reason\s+Age\s+Message\n/m);
      const logs = await nmcp(env, "logs", "everything", "--gateway");
      assert.equal(logs.code, 0, logs.stderr);
      assert.notEqual(logs.stdout, "");
    } finally {
      await client.close();
    }
    // Issue 13's reproduction: `stop X; start X --wait` back to back leaves X wanted and Ready.
    const stopped = await nmcp(env, "stop", "everything");
    assert.equal(stopped.code, 0, stopped.stderr);
    const started = await nmcp(env, "start", "everything", "--wait", "--timeout", "60");
    assert.equal(started.code, 0, started.stderr);
    const after = await getServer(e, "everything");
    assert.equal(after?.status?.phase, "Ready");
    assert.equal(after?.metadata.annotations?.["nmcp.nwrx.io/stop-requested-at"], undefined);
  } finally {
    await e.close();
  }
});

async function readUntil(
  reader: ReadableStreamDefaultReader<string>,
  pattern: RegExp,
  ms: number,
): Promise<RegExpMatchArray> {
  let text = "";
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    let id: ReturnType<typeof setTimeout> | undefined;
    const timer = new Promise<"timeout">((r) =>
      id = setTimeout(() => r("timeout"), deadline - Date.now())
    );
    const next = await Promise.race([reader.read(), timer]);
    clearTimeout(id);
    if (next === "timeout" || next.done) break;
    text += next.value;
    const m = text.match(pattern);
    if (m) return m;
  }
  throw new Error(`no ${pattern} within ${ms} ms in: ${text}`);
}

async function echo(url: string, message: string): Promise<unknown> {
  const client = new Client({ name: "cli-operator-http", version: "1.0.0" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  try {
    return (await client.callTool({ name: "echo", arguments: { message } })).content;
  } finally {
    await client.close();
  }
}

Deno.test("kubectl nmcp connect re-requests the server and follows its pod to a new name", async () => {
  const e = await startOperatorEnv();
  let connect: Deno.ChildProcess | undefined;
  try {
    await e.startOperator();
    const env = await pluginEnv(e.env, { source: true });
    await sh(env, "kubectl", ["nmcp", "apply", "-f", "-"], everything("ev"));
    connect = new Deno.Command("kubectl", {
      args: ["nmcp", "connect", "ev", "--refresh", "1", "--timeout", "60"],
      env,
      clearEnv: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    const progress = new Response(connect.stderr).text();
    const out = connect.stdout.pipeThrough(new TextDecoderStream()).getReader();
    const [, url] = await readUntil(
      out,
      /MCP endpoint: (http:\/\/127\.0\.0\.1:\d+\/mcp)\n/,
      60_000,
    );
    assert.deepEqual(await echo(url, "one"), [{ type: "text", text: "Echo: one" }]);

    const requestedAt = async () =>
      (await getServer(e, "ev"))?.metadata.annotations?.["nmcp.nwrx.io/requested-at"] ?? "";
    const first = await requestedAt();
    await until("a refreshed requested-at", 10_000, async () => {
      const now = await requestedAt();
      return now > first ? now : undefined;
    });

    // A spec change rolls the pod under a new name; the tunnel must follow it.
    const oldPod = String((await getServer(e, "ev"))?.status?.podName);
    const rolled = everything("ev", { env: [{ name: "ROLL", value: "1" }] });
    assert.equal((await sh(env, "kubectl", ["nmcp", "apply", "-f", "-"], rolled)).code, 0);
    const newPod = await until("a Ready pod with a new name", 60_000, async () => {
      const s = await getServer(e, "ev");
      const pod = s?.status?.podName;
      return s?.status?.phase === "Ready" && pod && pod !== oldPod ? String(pod) : undefined;
    });
    const reply = await until(
      "an echo through the tunnel to the new pod",
      60_000,
      () => echo(url, "two").catch(() => undefined),
    );
    assert.deepEqual(reply, [{ type: "text", text: "Echo: two" }]);
    await out.cancel();
    connect.kill("SIGINT");
    assert.equal((await connect.status).code, 0);
    assert.match(await progress, new RegExp(`pod replaced, tunnel now goes to ${newPod}`));
    connect = undefined;
  } finally {
    if (connect) {
      connect.kill("SIGKILL");
      await connect.status;
      await connect.stderr.cancel().catch(() => {});
    }
    await e.close();
  }
});
