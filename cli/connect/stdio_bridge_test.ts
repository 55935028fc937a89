import assert from "node:assert/strict";
import { PassThrough } from "node:stream";
// @ts-types="@modelcontextprotocol/sdk/server/mcp"
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
// @ts-types="@modelcontextprotocol/sdk/server/webStandardStreamableHttp"
import { WebStandardStreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js";
import { z } from "zod";
import { bridgeStdio } from "./stdio_bridge.ts";

/** An MCP server behind one URL; `restart()` replaces it (old sessions become unknown: 404). */
function startServer() {
  const sessions: string[] = [];
  let current = instance(false);
  let hung: Promise<Response> | undefined;
  function instance(extra: boolean) {
    const mcp = new McpServer({ name: "echo", version: "1.0.0" });
    mcp.registerTool(
      "echo",
      { inputSchema: { text: z.string() } },
      ({ text }: { text: string }) => ({
        content: [{ type: "text", text: `echo: ${text}` }],
      }),
    );
    if (extra) {
      mcp.registerResource(
        "r",
        "mem://r",
        {},
        () => ({ contents: [{ uri: "mem://r", text: "" }] }),
      );
    }
    const transport = new WebStandardStreamableHTTPServerTransport({
      sessionIdGenerator: () => crypto.randomUUID(),
    });
    return { mcp, transport, ready: mcp.connect(transport) };
  }
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const { transport, ready } = current;
    await ready;
    const id = req.headers.get("mcp-session-id");
    if (hung && !id) return hung;
    if (id) sessions.push(id);
    // Like the gateway (and the spec): an unknown session is 404, a restarted server knows none.
    if (id && id !== transport.sessionId) {
      return Response.json({ jsonrpc: "2.0", id: null, error: { code: -32600, message: "gone" } }, {
        status: 404,
      });
    }
    return transport.handleRequest(req);
  });
  return {
    server,
    sessions,
    get mcp() {
      return current.mcp;
    },
    /** From now on, a new session's initialize is answered only after 1.5 s (past the bound). */
    hang() {
      hung = new Promise((r) => setTimeout(() => r(new Response(null, { status: 503 })), 1500));
    },
    /** A new server instance; `capabilities` adds resources (a change a client would notice). */
    async restart(changeCapabilities = false) {
      await current.mcp.close();
      current = instance(changeCapabilities);
    },
  };
}

const INIT = {
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "t", version: "1" },
  },
};

const call = (id: number, text: string) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name: "echo", arguments: { text } },
});

/** A bridge on in-memory stdio to `srv`, initialized. */
async function bridged(srv: ReturnType<typeof startServer>) {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const next = lines(stdout);
  const url = `http://127.0.0.1:${srv.server.addr.port}/mcp`;
  const log: string[] = [];
  const done = bridgeStdio({
    url,
    stdin,
    stdout,
    name: "echo",
    log: (l) => log.push(l),
    resumeTimeoutMs: 500,
  });
  const send = (m: unknown) => stdin.write(JSON.stringify(m) + "\n");
  send(INIT);
  const init = (await next()).result as { serverInfo: { name: string } };
  send({ jsonrpc: "2.0", method: "notifications/initialized" });
  return { stdin, next, send, done, log, init };
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
  const srv = startServer();
  const b = await bridged(srv);
  try {
    b.send(call(2, "hi"));
    const reply = await b.next();
    assert.equal(reply.id, 2);
    assert.deepEqual(reply.result, { content: [{ type: "text", text: "echo: hi" }] });
    assert.ok(srv.sessions.length > 0, "the bridge sent Mcp-Session-Id after initialize");
    assert.equal(b.init.serverInfo.name, "echo");
  } finally {
    b.stdin.end();
    await b.done;
    await srv.mcp.close();
    await srv.server.shutdown();
  }
});

Deno.test("bridgeStdio() re-initializes a replaced upstream and retries the failed call", async () => {
  const srv = startServer();
  const b = await bridged(srv);
  try {
    b.send(call(2, "one"));
    assert.deepEqual((await b.next()).result, { content: [{ type: "text", text: "echo: one" }] });
    const before = new Set(srv.sessions);
    await srv.restart();
    b.send(call(3, "two"));
    const reply = await b.next();
    assert.equal(reply.id, 3);
    assert.deepEqual(reply.result, { content: [{ type: "text", text: "echo: two" }] });
    assert.ok(srv.sessions.some((s) => !before.has(s)), "a new upstream session was used");
    assert.ok(b.log.some((l) => /re-initializing/.test(l)), b.log.join(""));
  } finally {
    b.stdin.end();
    await b.done;
    await srv.mcp.close();
    await srv.server.shutdown();
  }
});

/** `p` if it settles within 10 s, else a promise resolved with "late" (fails assert.rejects). */
function within<T>(p: Promise<T>): Promise<T | "late"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => timer = setTimeout(() => resolve("late"), 10_000));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

Deno.test("bridgeStdio() fails within its bound when the server does not come back", async () => {
  const srv = startServer();
  const b = await bridged(srv);
  try {
    await srv.restart();
    srv.hang();
    b.send(call(2, "x"));
    await assert.rejects(
      within(b.done),
      /Cannot resume the MCP session with MCPServer "echo": re-initializing took over 1s/,
    );
  } finally {
    b.stdin.end();
    await srv.mcp.close();
    await srv.server.shutdown();
  }
});

Deno.test("bridgeStdio() fails when the new upstream's capabilities differ", async () => {
  const srv = startServer();
  const b = await bridged(srv);
  try {
    await srv.restart(true);
    b.send(call(2, "x"));
    await assert.rejects(
      within(b.done),
      /Cannot resume the MCP session with MCPServer "echo": its capabilities changed \(restart the client/,
    );
  } finally {
    b.stdin.end();
    await srv.mcp.close();
    await srv.server.shutdown();
  }
});
