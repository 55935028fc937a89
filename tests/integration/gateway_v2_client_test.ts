/** The gateway in front of server-everything, driven by the v2 MCP SDK client (`@modelcontextprotocol/client`). */
import assert from "node:assert/strict";
import {
  Client,
  type ClientOptions,
  SSEClientTransport,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { EVERYTHING, startGateway } from "./gateway_support.ts";

const STATELESS = "2026-07-28";

/** One HTTP request the client sent and the status it got. */
interface Exchange {
  method: string;
  headers: Headers;
  body: { method?: string } | null;
  status: number;
  responseHeaders: Headers;
}

/** A `fetch` that records what goes over the wire. */
function recordingFetch(log: Exchange[]): typeof fetch {
  return async (input, init) => {
    const res = await fetch(input, init);
    const raw = typeof init?.body === "string" ? init.body : null;
    log.push({
      method: init?.method ?? "GET",
      headers: new Headers(init?.headers),
      body: raw === null ? null : JSON.parse(raw),
      status: res.status,
      responseHeaders: res.headers,
    });
    return res;
  };
}

function textOf(r: unknown): string {
  return (r as { content: { type: string; text: string }[] }).content[0].text;
}

async function connectStateless(url: string, log: Exchange[] = [], name = "v2"): Promise<Client> {
  const opts: ClientOptions = { versionNegotiation: { mode: { pin: STATELESS } } };
  const c = new Client({ name, version: "1" }, opts);
  await c.connect(
    new StreamableHTTPClientTransport(new URL(`${url}/mcp`), { fetch: recordingFetch(log) }),
  );
  return c;
}

Deno.test("gateway: v2 client pinned to 2026-07-28 discovers, lists tools and echoes statelessly", async () => {
  const gw = await startGateway(["--stdio", "--", ...EVERYTHING]);
  try {
    const log: Exchange[] = [];
    const c = await connectStateless(gw.url, log);
    assert.equal(c.getProtocolEra(), "modern");
    assert.equal(c.getNegotiatedProtocolVersion(), STATELESS);
    const discover = c.getDiscoverResult();
    assert.ok(discover?.supportedVersions.includes(STATELESS));
    assert.ok(discover?.capabilities.tools, "discover carries the upstream's capabilities");
    assert.equal(c.getServerVersion()?.name, "mcp-servers/everything");
    const tools = await c.listTools();
    assert.ok(tools.tools.some((t) => t.name === "echo"));
    assert.equal(
      textOf(await c.callTool({ name: "echo", arguments: { message: "stateless hi" } })),
      "Echo: stateless hi",
    );
    const missing = await c.callTool({ name: "no-such-tool", arguments: {} });
    assert.equal(missing.isError, true, "an unknown tool is a tool error result");
    assert.match(textOf(missing), /no-such-tool not found/);
    // get-roots-list asks the client for roots, which this client did not declare: -32021.
    const refused = await c.callTool({ name: "get-roots-list", arguments: {} }).then(
      () => null,
      (e: { code?: number; data?: unknown }) => e,
    );
    assert.equal(refused?.code, -32021);
    assert.deepEqual(refused?.data, { requiredCapabilities: { roots: {} } });
    assert.equal(log.at(-1)?.status, 400);
    await c.close();
    // On the wire: one POST per call, every one with the mirrored headers and no session.
    assert.deepEqual(
      log.map((x) => x.body?.method),
      ["server/discover", "tools/list", "tools/call", "tools/call", "tools/call"],
    );
    for (const x of log) {
      assert.equal(x.method, "POST");
      assert.equal(x.headers.get("mcp-protocol-version"), STATELESS);
      assert.equal(x.headers.get("mcp-method"), x.body?.method);
      assert.equal(x.headers.get("mcp-session-id"), null);
      assert.equal(x.responseHeaders.get("mcp-session-id"), null, "no session is created");
    }
    assert.equal(log[2].headers.get("mcp-name"), "echo");
    const act = await (await fetch(`${gw.url}/activity`)).json();
    assert.equal(act.openSessions, 0, "stateless calls leave no session behind");
  } finally {
    await gw.stop();
  }
});

Deno.test("gateway: v2 client answers roots, sampling and elicitation as input_required retries", async () => {
  const gw = await startGateway(["--stdio", "--", ...EVERYTHING]);
  try {
    const log: Exchange[] = [];
    const c = new Client({ name: "v2-mrtr", version: "1" }, {
      capabilities: { roots: {}, sampling: {}, elicitation: { form: {} } },
      versionNegotiation: { mode: { pin: STATELESS } },
    });
    c.setRequestHandler(
      "roots/list",
      () => ({ roots: [{ uri: "file:///tmp/v2", name: "v2root" }] }),
    );
    c.setRequestHandler("sampling/createMessage", () => ({
      role: "assistant",
      content: { type: "text", text: "sampled by v2" },
      model: "fake",
    }));
    c.setRequestHandler(
      "elicitation/create",
      () => ({ action: "accept", content: { name: "Ada" } }),
    );
    await c.connect(
      new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`), { fetch: recordingFetch(log) }),
    );
    const all = async (name: string, args: Record<string, unknown>) =>
      (await c.callTool({ name, arguments: args }) as { content: { text: string }[] }).content
        .map((x) => x.text).join("\n");
    assert.match(await all("get-roots-list", {}), /v2root/);
    assert.match(
      await all("trigger-sampling-request", { prompt: "hi", maxTokens: 10 }),
      /sampled by v2/,
    );
    assert.match(await all("trigger-elicitation-request", {}), /Name: Ada/);
    await c.close();
    // Each call took two POSTs: the first answered input_required, the retry carried the answer.
    const retries = log.filter((x) => x.body?.method === "tools/call");
    assert.equal(retries.length, 6);
    for (const x of log) assert.equal(x.headers.get("mcp-session-id"), null);
  } finally {
    await gw.stop();
  }
});

Deno.test("gateway: v2 client listen() gets resource updates and its close is accepted", async () => {
  const gw = await startGateway(["--stdio", "--", ...EVERYTHING]);
  try {
    const log: Exchange[] = [];
    const c = await connectStateless(gw.url, log);
    const uri = "demo://resource/dynamic/text/1";
    let gotUpdate!: (uri: string) => void;
    const update = new Promise<string>((r) => gotUpdate = r);
    c.setNotificationHandler("notifications/resources/updated", (n) => gotUpdate(n.params.uri));
    const sub = await c.listen({ toolsListChanged: true, resourceSubscriptions: [uri] });
    assert.deepEqual(sub.honoredFilter, { toolsListChanged: true, resourceSubscriptions: [uri] });
    // server-everything sends the first simulated update at once, then every 5 s.
    await c.callTool({ name: "toggle-subscriber-updates", arguments: {} });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<string>((r) => timer = setTimeout(() => r("none in 3 s"), 3000));
    assert.equal(await Promise.race([update, late]), uri);
    clearTimeout(timer);
    await sub.close();
    assert.equal(await sub.closed, "local");
    // close() POSTs notifications/cancelled without Mcp-Method; the gateway must accept it.
    const cancel = log.find((x) => x.body?.method === "notifications/cancelled");
    assert.equal(cancel?.headers.get("mcp-method"), null);
    assert.equal(cancel?.status, 202);
    await c.close();
  } finally {
    await gw.stop();
  }
});

Deno.test("gateway: v2 client in legacy mode speaks 2025-11-25 over Streamable HTTP and SSE", async () => {
  const gw = await startGateway(["--stdio", "--", ...EVERYTHING]);
  try {
    const log: Exchange[] = [];
    const http = new Client({ name: "v2-legacy", version: "1" });
    const transport = new StreamableHTTPClientTransport(new URL(`${gw.url}/mcp`), {
      fetch: recordingFetch(log),
    });
    await http.connect(transport);
    const sse = new Client({ name: "v2-sse", version: "1" }, {
      versionNegotiation: { mode: "legacy" },
    });
    await sse.connect(new SSEClientTransport(new URL(`${gw.url}/sse`)));
    for (const c of [http, sse]) {
      assert.equal(c.getProtocolEra(), "legacy");
      assert.equal(c.getNegotiatedProtocolVersion(), "2025-11-25");
      assert.ok((await c.listTools()).tools.some((t) => t.name === "echo"));
      assert.equal(
        textOf(await c.callTool({ name: "echo", arguments: { message: "old times" } })),
        "Echo: old times",
      );
    }
    assert.equal(log[0].body?.method, "initialize");
    assert.ok(transport.sessionId, "the 2025 revision gets a session");
    await http.close();
    await sse.close();
  } finally {
    await gw.stop();
  }
});

Deno.test("gateway: 12 concurrent v2 stateless clients with unique payloads get zero misrouted answers", async () => {
  const gw = await startGateway(["--stdio", "--", ...EVERYTHING]);
  try {
    const clients = await Promise.all(
      Array.from({ length: 12 }, (_, i) => connectStateless(gw.url, [], `v2-${i}`)),
    );
    const calls = clients.flatMap((c, i) =>
      Array.from({ length: 5 }, async (_, j) => {
        const message = `client ${i} call ${j} ${crypto.randomUUID()}`;
        const got = textOf(await c.callTool({ name: "echo", arguments: { message } }));
        return got === `Echo: ${message}`;
      })
    );
    const ok = await Promise.all(calls);
    assert.equal(ok.length, 60);
    assert.equal(ok.filter((x) => !x).length, 0, "misrouted answers");
    await Promise.all(clients.map((c) => c.close()));
  } finally {
    await gw.stop();
  }
});
