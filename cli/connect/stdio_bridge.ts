/**
 * `connect --stdio`: the plugin is a stdio MCP server whose every message is relayed to the
 * remote server's Streamable HTTP endpoint (through the tunnel), and back. Sessions, SSE
 * responses and the server-to-client stream are the SDK transports' business.
 *
 * When the upstream session ends with its pod (404 unknown session, connection refused), the
 * bridge opens a new one by replaying the client's `initialize` and `notifications/initialized`
 * on fresh connections (so the tunnel picks, or wakes, the current pod), then retries the failed
 * message once. Requests still waiting on the old session are answered with an error. When the
 * new upstream differs (protocol version, server, capabilities) or does not answer within the
 * bound, the bridge fails so the process exits non-zero and the client restarts it.
 */

// @ts-types="@modelcontextprotocol/sdk/server/stdio"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import process from "node:process";
import type { Readable, Writable } from "node:stream";
import { type InitResult, isSessionLost, resumeRefusal } from "./resume.ts";

/** Options of {@linkcode bridgeStdio}. */
export interface BridgeOptions {
  /** The remote MCP endpoint (`http://127.0.0.1:PORT/mcp`). */
  url: string;
  /** The server's name, for error messages. Default: the URL. */
  name?: string;
  /** Diagnostic lines (stderr, only with -v). */
  log?: (line: string) => void;
  /** Where JSON-RPC lines come from. Default: the process's stdin. */
  stdin?: Readable;
  /** Where JSON-RPC lines go. Default: the process's stdout. */
  stdout?: Writable;
  /** Longest a re-initialization may take (ms). Default 130 000. */
  resumeTimeoutMs?: number;
}

type Id = string | number;
type Request = { jsonrpc: "2.0"; id: Id; method: string; params?: Record<string, unknown> };

/** One upstream session: its transport and the HTTP client (connection pool) it alone uses. */
interface Upstream {
  transport: StreamableHTTPClientTransport;
  http: Deno.HttpClient;
}

const isRequest = (m: JSONRPCMessage): m is Request => "method" in m && "id" in m;
const isResponse = (m: JSONRPCMessage) => !("method" in m) && "id" in m;
const idOf = (m: JSONRPCMessage) => ("id" in m ? (m as { id: Id }).id : undefined);

function rpcError(id: Id, message: string): JSONRPCMessage {
  return { jsonrpc: "2.0", id, error: { code: -32603, message } };
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took over ${Math.round(ms / 1000)}s`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/** The relay between a stdio client and a chain of upstream sessions. */
class Bridge {
  #opts: BridgeOptions;
  #local: StdioServerTransport;
  #up: Upstream;
  #init?: Request;
  #initResult?: InitResult;
  #initialized = false;
  #pending = new Map<Id, Upstream>();
  #resuming?: Promise<void>;
  #failed = false;
  #end!: (err?: Error) => void;
  /** Settles when the client goes away (resolves) or the session cannot go on (rejects). */
  readonly done: Promise<void>;

  constructor(opts: BridgeOptions) {
    this.#opts = opts;
    this.#local = new StdioServerTransport(
      opts.stdin ?? process.stdin,
      opts.stdout ?? process.stdout,
    );
    this.done = new Promise((resolve, reject) => {
      this.#end = (err) => {
        if (err) this.#failed = true;
        return err ? reject(err) : resolve();
      };
    });
    this.#local.onclose = () => this.#end();
    this.#local.onerror = (err) => this.#log(err);
    this.#local.onmessage = (msg) => this.#fromClient(msg);
    this.#up = this.#open();
  }

  async start(): Promise<void> {
    await this.#up.transport.start();
    await this.#local.start();
    (this.#opts.stdin ?? process.stdin).on("end", () => this.#local.close());
  }

  async close(): Promise<void> {
    if (!this.#failed) {
      const ending = this.#up.transport.terminateSession();
      await withTimeout(ending, 5000, "ending the session").catch(() => {});
    }
    await this.#retire(this.#up);
    await this.#local.close().catch(() => {});
  }

  #log(err: Error) {
    this.#opts.log?.(`bridge: ${err.message}\n`);
  }

  #open(): Upstream {
    const http = Deno.createHttpClient({});
    const transport = new StreamableHTTPClientTransport(new URL(this.#opts.url), {
      fetch: (input, init) => fetch(input, { ...init, client: http } as RequestInit),
    });
    const up = { transport, http };
    transport.onerror = (err) => this.#log(err);
    transport.onclose = () => up === this.#up && this.#end();
    transport.onmessage = (msg) => up === this.#up && this.#fromServer(msg);
    return up;
  }

  async #retire(up: Upstream) {
    await up.transport.close().catch(() => {});
    up.http.close();
  }

  #fromServer(msg: JSONRPCMessage) {
    const id = idOf(msg);
    if (isResponse(msg) && id !== undefined) this.#pending.delete(id);
    if (id !== undefined && id === this.#init?.id && "result" in msg) {
      this.#initResult = msg.result as InitResult;
      const version = this.#initResult.protocolVersion;
      if (typeof version === "string") this.#up.transport.setProtocolVersion(version);
    }
    this.#local.send(msg).catch((err) => this.#log(err));
  }

  #fromClient(msg: JSONRPCMessage) {
    if (isRequest(msg) && msg.method === "initialize") this.#init = msg;
    if ("method" in msg && msg.method === "notifications/initialized") this.#initialized = true;
    this.#relay(msg).catch((err: Error) => {
      this.#log(err);
      if (isRequest(msg)) {
        this.#pending.delete(msg.id);
        const text = `Cannot reach MCPServer "${this.#name()}": ${err.message}`;
        this.#local.send(rpcError(msg.id, text)).catch((e) => this.#log(e));
      }
    });
  }

  #name() {
    return this.#opts.name ?? this.#opts.url;
  }

  async #relay(msg: JSONRPCMessage) {
    if (this.#resuming) await this.#resuming;
    const up = this.#up;
    if (isRequest(msg)) this.#pending.set(msg.id, up);
    try {
      return await up.transport.send(msg);
    } catch (err) {
      const resumable = this.#initResult !== undefined && !(isRequest(msg) && msg === this.#init);
      if (!resumable || !isSessionLost(err)) throw err;
    }
    if (up === this.#up) this.#resuming ??= this.#resume(idOf(msg));
    await this.#resuming;
    if (isRequest(msg)) this.#pending.set(msg.id, this.#up);
    await this.#up.transport.send(msg);
  }

  /** Replaces the upstream session; a refusal or timeout ends the bridge with an error. */
  #resume(retrying: Id | undefined): Promise<void> {
    const ms = this.#opts.resumeTimeoutMs ?? 130_000;
    this.#opts.log?.(`bridge: upstream session lost, re-initializing\n`);
    const attempt = withTimeout(this.#reinitialize(), ms, "re-initializing");
    return attempt.then((up) => {
      const old = this.#up;
      this.#up = up;
      for (const [id, owner] of this.#pending) {
        if (owner !== old || id === retrying) continue;
        this.#pending.delete(id);
        const text = `Cannot finish the request: MCPServer "${this.#name()}" was restarted`;
        this.#local.send(rpcError(id, text)).catch((e) => this.#log(e));
      }
      this.#retire(old);
    }, (err: Error) => {
      const text = `Cannot resume the MCP session with MCPServer "${this.#name()}": ` +
        `${err.message} (restart the client to start a new session)`;
      this.#end(new Error(text));
      throw new Error(text);
    }).finally(() => this.#resuming = undefined);
  }

  async #reinitialize(): Promise<Upstream> {
    const up = this.#open();
    const id = `nmcp-resume-${crypto.randomUUID()}`;
    try {
      const prev = up.transport.onmessage!;
      const answer = new Promise<JSONRPCMessage>((resolve) => {
        up.transport.onmessage = (m) => idOf(m) === id ? resolve(m) : prev(m);
      });
      await up.transport.start();
      await up.transport.send({ ...this.#init!, id });
      const reply = await answer;
      if (!("result" in reply)) throw new Error("the server refused the replayed initialize");
      const why = resumeRefusal(this.#initResult!, reply.result as InitResult);
      if (why) throw new Error(why);
      const version = (reply.result as InitResult).protocolVersion;
      if (typeof version === "string") up.transport.setProtocolVersion(version);
      up.transport.onmessage = prev;
      if (this.#initialized) {
        await up.transport.send({ jsonrpc: "2.0", method: "notifications/initialized" });
      }
      return up;
    } catch (err) {
      await this.#retire(up);
      throw err;
    }
  }
}

/** Relays stdin/stdout to `url` until stdin closes; rejects when the session cannot resume. */
export async function bridgeStdio(opts: BridgeOptions): Promise<void> {
  const bridge = new Bridge(opts);
  await bridge.start();
  try {
    await bridge.done;
  } finally {
    await bridge.close();
  }
}
