/**
 * The gateway serving declared tools, prompts and resources (`--declared-file`), alone
 * (`--virtual`) and merged into server-everything, driven by the MCP SDK clients, with a real
 * backend HTTP server and the file updated like a ConfigMap.
 */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/sse"
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import { ToolListChangedNotificationSchema } from "@modelcontextprotocol/sdk/types.js";
import { Client as ClientV2 } from "@modelcontextprotocol/client";
import { StreamableHTTPClientTransport as TransportV2 } from "@modelcontextprotocol/client";
import { encodeBase64 } from "../../lib/base64.ts";
import { EVERYTHING, startGateway, waitFor } from "./gateway_support.ts";
import { type Backend, BINARY, DeclaredDir, startBackend } from "./declared_support.ts";

type ToolResult = {
  content: { type: string; text: string }[];
  structuredContent?: unknown;
  isError?: boolean;
};

const TOKEN = "declared-test-token";

function declared(base: string) {
  const schema = (props: Record<string, unknown>, required: string[]) => ({
    type: "object",
    properties: props,
    required,
  });
  return {
    version: 1,
    tools: [
      {
        name: "github-search",
        description: "Search",
        inputSchema: schema({ query: { type: "string" }, limit: { type: "integer" } }, ["query"]),
        http: { url: `${base}/echo/{query}`, method: "POST", timeoutMs: 5000 },
      },
      {
        name: "get-item",
        inputSchema: schema({ id: { type: "string" }, verbose: { type: "boolean" } }, ["id"]),
        http: { url: `${base}/items/{id}`, method: "GET", timeoutMs: 5000 },
      },
      { name: "plain", inputSchema: schema({}, []), http: { url: `${base}/text`, method: "GET" } },
      { name: "fails", inputSchema: schema({}, []), http: { url: `${base}/fail` } },
      { name: "slow", inputSchema: schema({}, []), http: { url: `${base}/slow`, timeoutMs: 300 } },
    ],
    prompts: [{
      name: "greet",
      description: "Greets",
      template: "Hello {{name}}, you asked {{query}}",
      arguments: [{ name: "name", required: true }, { name: "query", default: "none" }],
    }],
    resources: [
      { uri: "config://template", name: "template", mimeType: "text/plain", text: "T" },
      { uri: "config://logo", name: "logo", mimeType: "image/png", blob: encodeBase64(BINARY) },
    ],
    resourceTemplates: [
      { uriTemplate: "items://{id}", name: "item", http: { url: `${base}/items/{id}` } },
      { uriTemplate: "blobs://{id}", name: "blob", http: { url: `${base}/blob/{id}` } },
    ],
  };
}

async function connectV1(url: string, sse = false): Promise<Client> {
  const c = new Client({ name: "declared-it", version: "1" });
  // The client's own credentials and caller header: neither may reach the backend.
  const headers = { authorization: `Bearer ${TOKEN}`, "x-nmcp-caller": '{"username":"eve"}' };
  await c.connect(
    sse
      ? new SSEClientTransport(new URL(`${url}/sse`), { requestInit: { headers } })
      : new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { requestInit: { headers } }),
  );
  return c;
}

const codeOf = (p: Promise<unknown>) => p.then(() => null, (e: { code?: number }) => e.code);

async function checkTools(c: Client, backend: Backend): Promise<void> {
  const names = (await c.listTools()).tools.map((t: { name: string }) => t.name);
  assert.deepEqual(names, ["github-search", "get-item", "plain", "fails", "slow"]);
  const post = await c.callTool({
    name: "github-search",
    arguments: { query: "a b/c", limit: 3 },
  }) as ToolResult;
  const echoed = { path: "/echo/a%20b%2Fc", query: "", body: { limit: 3 } };
  assert.deepEqual(post.structuredContent, echoed);
  assert.deepEqual(JSON.parse(post.content[0].text), echoed);
  const invalid = await c.callTool({
    name: "github-search",
    arguments: { limit: 3 },
  }) as ToolResult;
  assert.equal(invalid.isError, true);
  assert.match(invalid.content[0].text, /Invalid arguments .*required property "query"/);
  const get = await c.callTool({
    name: "get-item",
    arguments: { id: "7", verbose: true },
  }) as ToolResult;
  assert.deepEqual(get.structuredContent, { id: "7", query: { verbose: "true" } });
  const plain = await c.callTool({ name: "plain", arguments: {} }) as ToolResult;
  assert.deepEqual(plain, { content: [{ type: "text", text: "plain words" }] });
  const failed = await c.callTool({ name: "fails", arguments: {} }) as ToolResult;
  assert.equal(failed.isError, true);
  assert.match(failed.content[0].text, /HTTP 500.*boom/);
  const t0 = performance.now();
  const slow = await c.callTool({ name: "slow", arguments: {} }) as ToolResult;
  assert.equal(slow.isError, true);
  assert.match(slow.content[0].text, /no answer from the backend in 0.3 s/);
  assert.ok(performance.now() - t0 < 3000);
  assert.equal(await codeOf(c.callTool({ name: "nope", arguments: {} })), -32602);
  assert.deepEqual(backend.seen.map((s) => `${s.method} ${s.path}`), [
    "POST /echo/a%20b%2Fc",
    "GET /items/7",
    "GET /text",
    "POST /fail",
    "POST /slow",
  ]);
  for (const s of backend.seen) {
    assert.equal(s.headers.get("authorization"), null);
    assert.equal(s.headers.get("x-nmcp-caller"), null);
  }
}

async function checkPromptsAndResources(c: Client): Promise<void> {
  const prompts = await c.listPrompts();
  assert.deepEqual(prompts.prompts, [{
    name: "greet",
    description: "Greets",
    arguments: [{ name: "name", required: true }, { name: "query", required: false }],
  }]);
  const got = await c.getPrompt({ name: "greet", arguments: { name: "Ann" } });
  assert.equal(
    (got.messages[0].content as { text: string }).text,
    "Hello Ann, you asked none",
  );
  assert.equal(await codeOf(c.getPrompt({ name: "greet", arguments: {} })), -32602);
  const listed = await c.listResources();
  assert.deepEqual(listed.resources.map((r: { uri: string }) => r.uri), [
    "config://template",
    "config://logo",
  ]);
  const templates = await c.listResourceTemplates();
  assert.deepEqual(
    templates.resourceTemplates.map((t: { uriTemplate: string }) => t.uriTemplate),
    ["items://{id}", "blobs://{id}"],
  );
  const inline = await c.readResource({ uri: "config://template" });
  assert.deepEqual(inline.contents, [{
    uri: "config://template",
    mimeType: "text/plain",
    text: "T",
  }]);
  const logo = await c.readResource({ uri: "config://logo" });
  assert.equal((logo.contents[0] as { blob: string }).blob, encodeBase64(BINARY));
  const item = await c.readResource({ uri: "items://42" });
  assert.equal(item.contents[0].mimeType, "application/json");
  assert.deepEqual(JSON.parse((item.contents[0] as { text: string }).text), {
    id: "42",
    query: {},
  });
  const blob = await c.readResource({ uri: "blobs://x" });
  assert.deepEqual(blob.contents, [{
    uri: "blobs://x",
    mimeType: "image/png",
    blob: encodeBase64(BINARY),
  }]);
  assert.equal(await codeOf(c.readResource({ uri: "items://missing" })), -32002);
  assert.equal(await codeOf(c.readResource({ uri: "nothing://here" })), -32002);
}

Deno.test("gateway --virtual: declared tools, prompts and resources over every transport; reload", async () => {
  const backend = startBackend();
  const dir = await DeclaredDir.create(declared(backend.base));
  const tokenFile = `${dir.dir}/token`;
  await Deno.writeTextFile(tokenFile, TOKEN);
  const gw = await startGateway([
    "--virtual",
    "--declared-file",
    dir.file,
    "--server-name",
    "team-a",
    "--token-file",
    tokenFile,
  ]);
  const clients: Client[] = [];
  try {
    const http = await connectV1(gw.url);
    clients.push(http);
    assert.deepEqual(http.getServerVersion(), { name: "team-a", version: "declared" });
    await checkTools(http, backend);
    await checkPromptsAndResources(http);
    // Declared calls count in the per-tool metrics like any upstream's (invalid ones as errors).
    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    assert.match(metrics, /^nmcp_gateway_tool_calls_total\{tool="github-search"\} 2$/m);
    assert.match(metrics, /^nmcp_gateway_tool_errors_total\{tool="github-search"\} 1$/m);
    assert.match(metrics, /^nmcp_gateway_tool_errors_total\{tool="slow"\} 1$/m);
    const sse = await connectV1(gw.url, true);
    clients.push(sse);
    assert.equal(
      (await sse.callTool({ name: "plain", arguments: {} }) as ToolResult).content[0].text,
      "plain words",
    );
    // The v2 client pinned to the stateless revision (2026-07-28).
    const v2 = new ClientV2({ name: "v2", version: "1" }, {
      versionNegotiation: { mode: { pin: "2026-07-28" } },
    });
    await v2.connect(new TransportV2(new URL(`${gw.url}/mcp`)));
    assert.equal(v2.getNegotiatedProtocolVersion(), "2026-07-28");
    const v2tools = await v2.listTools();
    assert.equal(v2tools.tools.length, 5);
    const v2call = await v2.callTool({ name: "get-item", arguments: { id: "v2" } });
    assert.deepEqual(v2call.structuredContent, { id: "v2", query: {} });
    await v2.close();

    // A ConfigMap update: the file changes under a new ..data; sessions hear tools/list_changed.
    let changed = 0;
    http.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed++);
    const next = declared(backend.base);
    next.tools = next.tools.filter((t) => t.name !== "fails");
    next.tools.push({ ...next.tools[2], name: "plain-2" });
    await dir.write(next);
    assert.ok(await waitFor(() => changed === 1, 10_000), "tools/list_changed arrives");
    const names = (await http.listTools()).tools.map((t: { name: string }) => t.name);
    assert.deepEqual(names, ["github-search", "get-item", "plain", "slow", "plain-2"]);
    // A broken file keeps the last good one and logs one line.
    await dir.write("{ not json");
    assert.ok(await waitFor(() => /Cannot load declared file/.test(gw.stderr()), 10_000));
    assert.equal((await http.listTools()).tools.length, 5);
    assert.equal(gw.stderr().match(/Cannot load declared file/g)?.length, 1);
    assert.equal(changed, 1, "prompts and resources did not change: no tools notification");
  } finally {
    for (const c of clients) await c.close();
    await gw.stop();
    await backend.close();
    await dir.remove();
  }
});

Deno.test("gateway with an upstream: declared objects merged into server-everything's; a clash keeps the upstream's", async () => {
  const backend = startBackend();
  const file = declared(backend.base);
  file.tools.push({ ...file.tools[2], name: "echo" }); // server-everything has "echo"
  const dir = await DeclaredDir.create(file);
  const gw = await startGateway(["--declared-file", dir.file, "--stdio", "--", ...EVERYTHING]);
  try {
    const c = await connectV1(gw.url);
    assert.equal(c.getServerVersion()?.name, "mcp-servers/everything");
    const tools = (await c.listTools()).tools as { name: string; inputSchema: unknown }[];
    const echoes = tools.filter((t) => t.name === "echo");
    assert.equal(echoes.length, 1);
    assert.match(JSON.stringify(echoes[0].inputSchema), /"message"/, "the upstream's echo");
    assert.ok(tools.some((t) => t.name === "get-env"), "the upstream's own tools stay");
    assert.ok(tools.some((t) => t.name === "github-search"), "declared tools are added");
    const echo = await c.callTool({ name: "echo", arguments: { message: "hi" } }) as ToolResult;
    assert.equal(echo.content[0].text, "Echo: hi");
    const plain = await c.callTool({ name: "plain", arguments: {} }) as ToolResult;
    assert.equal(plain.content[0].text, "plain words");
    const prompts = (await c.listPrompts()).prompts.map((p: { name: string }) => p.name);
    assert.ok(prompts.includes("greet") && prompts.length > 1, prompts.join());
    const got = await c.getPrompt({ name: "greet", arguments: { name: "Bo", query: "q" } });
    assert.equal((got.messages[0].content as { text: string }).text, "Hello Bo, you asked q");
    const read = await c.readResource({ uri: "items://9" });
    assert.deepEqual(JSON.parse((read.contents[0] as { text: string }).text), {
      id: "9",
      query: {},
    });
    const templates = (await c.listResourceTemplates()).resourceTemplates;
    assert.ok(templates.some((t: { uriTemplate: string }) => t.uriTemplate === "items://{id}"));
    // A reload reaches merged sessions too.
    let changed = 0;
    c.setNotificationHandler(ToolListChangedNotificationSchema, () => void changed++);
    await dir.write({ ...file, tools: file.tools.filter((t) => t.name !== "github-search") });
    assert.ok(await waitFor(() => changed === 1, 10_000), "tools/list_changed arrives");
    const after = (await c.listTools()).tools.map((t: { name: string }) => t.name);
    assert.ok(!after.includes("github-search") && after.includes("plain"), after.join());
    assert.equal(after.length, tools.length - 1);
    await c.close();
  } finally {
    await gw.stop();
    await backend.close();
    await dir.remove();
  }
});

Deno.test("gateway --virtual without --declared-file, or beside an upstream, exits 2 with one line", async () => {
  const ROOT = new URL("../../", import.meta.url).pathname;
  for (
    const [args, why] of [
      [["--virtual"], "Cannot start gateway: --virtual needs --declared-file"],
      [["--virtual", "--declared-file", "f", "--http", "http://x"], "give exactly one of"],
    ] as const
  ) {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", `${ROOT}gateway/main.ts`, "--port", "0", ...args],
      stdout: "null",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 2);
    const err = new TextDecoder().decode(out.stderr).trim();
    assert.ok(err.includes(why), err);
    assert.equal(err.split("\n").length, 1);
  }
});
