import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { z } from "zod";
import { bridgeStdio } from "./stdio_bridge.ts";

function startServer() {
  const mcp = new McpServer({ name: "echo", version: "1.0.0" });
  mcp.registerTool("echo", { inputSchema: { text: z.string() } }, ({ text }: { text: string }) => ({
    content: [{ type: "text", text: `echo: ${text}` }],
  }));
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: () => crypto.randomUUID(),
  });
  const sessions: string[] = [];
  const ready = mcp.connect(transport);
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    await ready;
    const id = req.headers.get("mcp-session-id");
    if (id) sessions.push(id);
    return transport.handleRequest(req);
  });
  return { server, mcp, sessions };
}

function lines(stream: PassThrough): () => Promise<Record<string, unknown>> {
  let buf = "";
  const queue: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  stream.on("data", (chunk: Buffer) => {
    buf += chunk.toString();
    let i;
    while ((i = buf.indexOf("\n")) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      const w = waiters.shift();
      if (w) w(line);
      else queue.push(line);
    }
  });
  return () =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("no line within 5 s")), 5000);
      const take = (l: string) => {
        clearTimeout(timer);
        resolve(JSON.parse(l));
      };
      const l = queue.shift();
      if (l !== undefined) take(l);
      else waiters.push(take);
    });
}

Deno.test("bridgeStdio() relays JSON-RPC lines to Streamable HTTP with the session id", async () => {
  const { server, mcp, sessions } = startServer();
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const next = lines(stdout);
  const url = `http://127.0.0.1:${server.addr.port}/mcp`;
  const done = bridgeStdio({ url, stdin, stdout });
  const send = (m: unknown) => stdin.write(JSON.stringify(m) + "\n");
  try {
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "t", version: "1" },
      },
    });
    const init = await next();
    assert.equal((init.result as { serverInfo: { name: string } }).serverInfo.name, "echo");
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({
      jsonrpc: "2.0",
      id: 2,
      method: "tools/call",
      params: { name: "echo", arguments: { text: "hi" } },
    });
    const call = await next();
    assert.equal(call.id, 2);
    assert.deepEqual(call.result, { content: [{ type: "text", text: "echo: hi" }] });
    assert.ok(sessions.length > 0, "the bridge sent Mcp-Session-Id after initialize");
  } finally {
    stdin.end();
    await done;
    await mcp.close();
    await server.shutdown();
  }
});
