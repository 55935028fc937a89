/** The real gateway binary with a token and a tool policy, driven over real sockets and the SDK. */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/sse"
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { encodeCaller } from "../../lib/caller.ts";
import { EVERYTHING, startGateway } from "./gateway_support.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const POLICY = JSON.stringify({
  deny: ["get-env", "trigger-*"],
  rules: [{
    expression: 'tool.name != "get-sum" || tool.arguments.a < 100',
    message: "small sums",
  }],
});

async function withTokenFile<T>(fn: (file: string) => Promise<T>): Promise<T> {
  const file = await Deno.makeTempFile();
  await Deno.writeTextFile(file, "tok-123\n");
  try {
    return await fn(file);
  } finally {
    await Deno.remove(file);
  }
}

Deno.test("gateway: a loopback SDK client needs no token and sees the tool policy", async () => {
  await withTokenFile(async (tokenFile) => {
    const gw = await startGateway(
      ["--token-file", tokenFile, "--tools-policy", POLICY, "--stdio", "--", ...EVERYTHING],
    );
    try {
      const client = new Client({ name: "loopback", version: "1" });
      await client.connect(new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`)));
      const names = (await client.listTools()).tools.map((t: { name: string }) => t.name);
      assert.ok(names.includes("echo") && names.includes("get-sum"), names.join());
      assert.ok(!names.some((n: string) => n === "get-env" || n.startsWith("trigger-")));
      await assert.rejects(
        client.callTool({ name: "get-env", arguments: {} }),
        (e: Error & { code?: number }) =>
          e.code === -32602 &&
          e.message.includes(
            `Tool "get-env" is not allowed by the server's tool policy (deny: "get-env")`,
          ),
      );
      const sum = await client.callTool({ name: "get-sum", arguments: { a: 2, b: 3 } });
      assert.match(JSON.stringify(sum), /5/);
      await assert.rejects(
        client.callTool({ name: "get-sum", arguments: { a: 200, b: 3 } }),
        /\(rules\[0\]: small sums\)/,
      );
      await client.close();
      const sse = new Client({ name: "loopback-sse", version: "1" });
      await sse.connect(new SSEClientTransport(new URL(`${gw.url}/sse`)));
      const viaSse = (await sse.listTools()).tools.map((t: { name: string }) => t.name);
      assert.deepEqual(viaSse, names, "legacy SSE lists the same filtered tools");
      await assert.rejects(
        sse.callTool({ name: "trigger-long-running-operation" }),
        /deny: "trigger-\*"/,
      );
      await sse.close();
      const activity = await fetch(`${gw.url}/activity`);
      assert.equal(activity.status, 200, "loopback polls /activity without the token");
      await activity.body?.cancel();
    } finally {
      await gw.stop();
    }
  });
});

Deno.test("gateway: --loopback-requires-token makes the SDK client send the token", async () => {
  await withTokenFile(async (tokenFile) => {
    const gw = await startGateway(
      ["--token-file", tokenFile, "--loopback-requires-token", "--stdio", "--", ...EVERYTHING],
    );
    try {
      const refused = await fetch(`${gw.url}/mcp`, { method: "POST", body: "{}" });
      assert.equal(refused.status, 401);
      assert.match(refused.headers.get("www-authenticate") ?? "", /^Bearer/);
      await refused.body?.cancel();
      const metrics = await fetch(`${gw.url}/metrics`);
      assert.equal(metrics.status, 401);
      await metrics.body?.cancel();
      const client = new Client({ name: "with-token", version: "1" });
      const requestInit = { headers: { authorization: "Bearer tok-123" } };
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`), { requestInit }),
      );
      assert.ok((await client.listTools()).tools.length > 0);
      await client.close();
    } finally {
      await gw.stop();
    }
  });
});

Deno.test("gateway: a tool policy rule that does not compile exits 2 with one line", async () => {
  const bad = JSON.stringify({ rules: [{ expression: "caller.username ==" }] });
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      `${ROOT}gateway/main.ts`,
      "--port",
      "0",
      "--tools-policy",
      bad,
      "--stdio",
      "--",
      "true",
    ],
    stdout: "piped",
    stderr: "piped",
    cwd: ROOT,
  }).output();
  assert.equal(out.code, 2);
  const err = new TextDecoder().decode(out.stderr).trim();
  assert.match(err, /^Cannot compile tool policy rules\[0\] "caller.username ==": /);
  assert.equal(err.split("\n").length, 1, err);
  assert.doesNotMatch(new TextDecoder().decode(out.stdout), /listening/);
});

Deno.test("gateway: an HTTP upstream never sees the caller's Authorization or caller header", async () => {
  const seen: Headers[] = [];
  const upstream = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen: () => {} },
    async (req) => {
      seen.push(req.headers);
      if (req.method !== "POST") return new Response(null, { status: 405 });
      const msg = await req.json();
      if (msg.id === undefined) return new Response(null, { status: 202 });
      const result = msg.method === "initialize"
        ? {
          protocolVersion: "2025-06-18",
          capabilities: { tools: {} },
          serverInfo: { name: "rec", version: "1" },
        }
        : msg.method === "tools/list"
        ? { tools: [{ name: "t", inputSchema: { type: "object" } }] }
        : {};
      return Response.json({ jsonrpc: "2.0", id: msg.id, result });
    },
  );
  await withTokenFile(async (tokenFile) => {
    const gw = await startGateway(
      ["--token-file", tokenFile, "--http", `http://127.0.0.1:${upstream.addr.port}/mcp`],
    );
    try {
      const caller = encodeCaller({ username: "alice", groups: [], source: "kubernetes" });
      const headers = { authorization: "Bearer tok-123", "x-nmcp-caller": caller };
      const client = new Client({ name: "routed", version: "1" });
      await client.connect(
        new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`), { requestInit: { headers } }),
      );
      assert.deepEqual((await client.listTools()).tools.map((t: { name: string }) => t.name), [
        "t",
      ]);
      await client.close();
    } finally {
      await gw.stop();
      await upstream.shutdown();
    }
  });
  assert.ok(seen.length >= 3, `upstream saw ${seen.length} requests`);
  for (const h of seen) {
    assert.equal(h.get("authorization"), null);
    assert.equal(h.get("x-nmcp-caller"), null);
  }
});
