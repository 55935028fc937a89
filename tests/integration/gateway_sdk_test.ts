/** The gateway in front of server-everything, driven by the real MCP SDK clients. */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/sse"
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { EVERYTHING, startGateway } from "./gateway_support.ts";

type TextResult = { content: { type: string; text: string }[] };

function textOf(r: unknown): string {
  return (r as TextResult).content[0].text;
}

Deno.test("gateway: SDK clients over Streamable HTTP and SSE list tools, echo and get progress", async () => {
  const gw = await startGateway(["--stdio", "--", ...EVERYTHING]);
  try {
    const http = new Client({ name: "it-http", version: "1" });
    await http.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
    const sse = new Client({ name: "it-sse", version: "1" });
    await sse.connect(new SSEClientTransport(new URL(`${gw.url}/sse`)));
    for (const c of [http, sse]) {
      const tools = await c.listTools();
      assert.ok(tools.tools.some((t: { name: string }) => t.name === "echo"));
      assert.equal(
        textOf(await c.callTool({ name: "echo", arguments: { message: "hey" } })),
        "Echo: hey",
      );
      const progress: number[] = [];
      const r = await c.callTool(
        { name: "trigger-long-running-operation", arguments: { duration: 0.3, steps: 3 } },
        undefined,
        { onprogress: (p: { progress: number }) => progress.push(p.progress) },
      );
      assert.match(textOf(r), /completed/);
      // The SDK client handles notifications a microtask late and drops progress that arrives in
      // the same chunk as the response (sdk 1.32.2 protocol.js), so the last one may be missing.
      assert.deepEqual(progress.slice(0, 2), [1, 2]);
    }
    assert.equal(http.getServerVersion()?.name, "mcp-servers/everything");
    await http.close();
    await sse.close();
  } finally {
    await gw.stop();
  }
});

Deno.test("gateway: 100 concurrent sessions with unique payloads get zero misrouted responses", async () => {
  const gw = await startGateway(["--stdio", "--", ...EVERYTHING]);
  try {
    const N = 100, CALLS = 5;
    const clients: Client[] = await Promise.all(Array.from({ length: N }, async (_, i) => {
      const c = new Client({ name: `c${i}`, version: "1" });
      await c.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
      return c;
    }));
    const act = await (await fetch(`${gw.url}/activity`)).json();
    assert.equal(act.openSessions, N);
    let misrouted = 0, ok = 0;
    await Promise.all(clients.map(async (c, i) => {
      const calls = Array.from({ length: CALLS }, async (_, j) => {
        const message = `session-${i}-call-${j}-${crypto.randomUUID()}`;
        const text = textOf(await c.callTool({ name: "echo", arguments: { message } }));
        if (text === `Echo: ${message}`) ok++;
        else misrouted++;
      });
      await Promise.all(calls);
    }));
    assert.equal(misrouted, 0);
    assert.equal(ok, N * CALLS);
    await Promise.all(clients.map((c) => c.close()));
  } finally {
    await gw.stop();
  }
});
