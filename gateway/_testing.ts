/** Test helpers: an in-memory MCP server behind the Upstream interface, and a gateway on it. */
import assert from "node:assert/strict";
import { createLogger } from "../lib/log.ts";
import type { Message } from "./jsonrpc/message.ts";
import { createGateway, type GatewayOptions } from "./server.ts";
import type { Upstream, UpstreamEvents } from "./upstream/types.ts";

/** The tools the fake upstream lists. */
export const FAKE_TOOLS = ["echo", "get-env", "delete"].map((name) => ({
  name,
  inputSchema: { type: "object" },
}));

/** Deno.serve's handler info for a connection from `hostname`. */
export const peer = (hostname: string) => ({ remoteAddr: { hostname } });

/** A tiny in-memory MCP server: echoes tools/call arguments, can be told to die. */
export class FakeUpstream implements Upstream {
  events: UpstreamEvents | null = null;
  received: Message[] = [];
  /** When set, tools/call answers are held until released. */
  hold = false;
  /** When set, tools/list answers are held too. */
  holdLists = false;
  held: Message[] = [];

  start(events: UpstreamEvents): void {
    this.events = events;
    queueMicrotask(() => events.connected());
  }

  send(msg: Message): boolean {
    if (!this.events) return false;
    this.received.push(msg);
    queueMicrotask(() => this.#answer(msg));
    return true;
  }

  #answer(msg: Message): void {
    if (msg.id === undefined || msg.method === undefined) return;
    const reply = (result: unknown) => this.events?.message({ jsonrpc: "2.0", id: msg.id, result });
    if (msg.method === "initialize") {
      return reply({
        protocolVersion: "2025-06-18",
        capabilities: { tools: { listChanged: true }, resources: { subscribe: true } },
        serverInfo: { name: "fake", version: "1.0.0" },
      });
    }
    if (msg.method === "tools/list") {
      if (this.holdLists) return void this.held.push(msg);
      return reply({ tools: FAKE_TOOLS });
    }
    if (msg.method === "tools/call") {
      if (this.hold) return void this.held.push(msg);
      return reply({ content: [{ type: "text", text: JSON.stringify(msg.params?.arguments) }] });
    }
    reply({});
  }

  /** Simulates the server dying. */
  die(): void {
    const e = this.events;
    this.events = null;
    e?.down("killed", false);
  }

  close(): Promise<void> {
    this.events = null;
    return Promise.resolve();
  }
}

/** The gateway URL the in-process tests post to. */
export const BASE = "http://localhost/mcp";
/** The Accept header of a Streamable HTTP client. */
export const ACCEPT = "application/json, text/event-stream";
const log = createLogger({}, { write: () => {} });

/** A gateway in front of a {@linkcode FakeUpstream}, ready. */
export async function start(extra: Partial<GatewayOptions> = {}) {
  const fake = new FakeUpstream();
  const gw = createGateway({
    upstream: { kind: "stdio", command: ["unused"] },
    upstreamFactory: () => fake,
    log,
    ...extra,
  });
  assert.ok(await gw.whenReady(1000));
  return { gw, fake };
}

/** A POST of `body` to {@linkcode BASE} with client headers. */
export function post(body: unknown, headers: Record<string, string> = {}): Request {
  return new Request(BASE, {
    method: "POST",
    headers: { host: "localhost", accept: ACCEPT, "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** An initialize request. */
export const INIT = {
  jsonrpc: "2.0",
  id: 0,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "t", version: "1" },
  },
};

/** Opens a session; returns its id. */
export async function open(handler: (r: Request) => Promise<Response>): Promise<string> {
  const res = await handler(post(INIT));
  assert.equal(res.status, 200);
  const body = await res.json();
  assert.equal(body.result.serverInfo.name, "fake");
  assert.equal(body.result.protocolVersion, "2025-06-18");
  return res.headers.get("mcp-session-id")!;
}
