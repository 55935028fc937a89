/** Gateway upstream modes (--http, --sse, --per-session), server-to-client routing, SIGTERM drain. */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { CreateMessageRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { childPids, EVERYTHING, startGateway, waitFor } from "./gateway_support.ts";

type TextResult = { content: { type: string; text: string }[] };
const textOf = (r: unknown) => (r as TextResult).content[0].text;

async function connect(url: string, name = "c", capabilities = {}): Promise<Client> {
  const c = new Client({ name, version: "1" }, { capabilities });
  await c.connect(new StreamableHTTPClientTransport(new URL(`${url}/mcp`)));
  return c;
}

/** Runs server-everything in an HTTP mode on a free port; resolves once it accepts connections. */
async function everythingHttp(mode: "streamableHttp" | "sse") {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  const child = new Deno.Command(EVERYTHING[0], {
    args: [EVERYTHING[1], mode],
    env: { PORT: String(port) },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const up = await waitFor(async () => {
    try {
      (await Deno.connect({ hostname: "127.0.0.1", port })).close();
      return true;
    } catch {
      return false;
    }
  }, 10_000);
  assert.ok(up, `server-everything ${mode} listens`);
  return {
    url: `http://127.0.0.1:${port}`,
    stop: async () => {
      child.kill("SIGKILL");
      await child.status;
    },
  };
}

for (
  const [mode, flag, path] of [["streamableHttp", "--http", "/mcp"], [
    "sse",
    "--sse",
    "/sse",
  ]] as const
) {
  Deno.test(`gateway: ${flag} proxies an upstream ${mode} server for isolated sessions`, async () => {
    const server = await everythingHttp(mode);
    const gw = await startGateway([flag, `${server.url}${path}`]);
    try {
      const [a, b] = await Promise.all([connect(gw.url, "a"), connect(gw.url, "b")]);
      const [ra, rb] = await Promise.all([
        a.callTool({ name: "echo", arguments: { message: "from a" } }),
        b.callTool({ name: "echo", arguments: { message: "from b" } }),
      ]);
      assert.equal(textOf(ra), "Echo: from a");
      assert.equal(textOf(rb), "Echo: from b");
      const progress: number[] = [];
      await a.callTool(
        { name: "trigger-long-running-operation", arguments: { duration: 0.3, steps: 3 } },
        undefined,
        { onprogress: (p: { progress: number }) => progress.push(p.progress) },
      );
      assert.deepEqual(progress.slice(0, 2), [1, 2]); // the SDK may drop the last one
      await Promise.all([a.close(), b.close()]);
    } finally {
      await gw.stop();
      await server.stop();
    }
  });
}

Deno.test("gateway: a sampling request reaches only the session whose call caused it", async () => {
  const gw = await startGateway(["--stdio", "--", ...EVERYTHING]);
  try {
    const asked: string[] = [];
    const a = await connect(gw.url, "a", { sampling: {} });
    const b = await connect(gw.url, "b", { sampling: {} });
    for (const [name, c] of [["a", a], ["b", b]] as const) {
      c.setRequestHandler(CreateMessageRequestSchema, () => {
        asked.push(name);
        return {
          model: "test",
          role: "assistant" as const,
          content: { type: "text" as const, text: `sampled by ${name}` },
        };
      });
    }
    const r = await a.callTool({
      name: "trigger-sampling-request",
      arguments: { prompt: "hi", maxTokens: 5 },
    });
    assert.match(JSON.stringify(r), /sampled by a/);
    assert.deepEqual(asked, ["a"]);
    await Promise.all([a.close(), b.close()]);
  } finally {
    await gw.stop();
  }
});

Deno.test("gateway: --per-session runs one upstream process per client session", async () => {
  const gw = await startGateway(["--per-session", "--stdio", "--", ...EVERYTHING]);
  try {
    const ta = new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`));
    const a = new Client({ name: "a", version: "1" });
    await a.connect(ta);
    const b = await connect(gw.url, "b");
    assert.equal((await childPids(gw.pid)).length, 2);
    assert.equal(
      textOf(await b.callTool({ name: "echo", arguments: { message: "b" } })),
      "Echo: b",
    );
    await ta.terminateSession(); // DELETE ends the session and its process
    await a.close();
    assert.ok(await waitFor(async () => (await childPids(gw.pid)).length === 1, 5000));
    await b.close();
  } finally {
    await gw.stop();
  }
});

Deno.test("gateway: SIGTERM lets an in-flight call finish, then exits 0", async () => {
  const gw = await startGateway(["--stdio", "--", ...EVERYTHING]);
  const c = await connect(gw.url);
  const call = c.callTool({
    name: "trigger-long-running-operation",
    arguments: { duration: 0.6, steps: 2 },
  });
  await new Promise((r) => setTimeout(r, 150));
  Deno.kill(gw.pid, "SIGTERM");
  assert.match(textOf(await call), /completed/);
  await c.close().catch(() => {});
  await gw.stop();
});
