/**
 * `connect --stdio`: the plugin is a stdio MCP server whose every message is relayed to the
 * remote server's Streamable HTTP endpoint (through the tunnel), and back. Sessions, SSE
 * responses and the server-to-client stream are the SDK transports' business.
 */

// @ts-types="@modelcontextprotocol/sdk/server/stdio"
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/types"
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import process from "node:process";
import type { Readable, Writable } from "node:stream";

/** Options of {@linkcode bridgeStdio}. */
export interface BridgeOptions {
  /** The remote MCP endpoint (`http://127.0.0.1:PORT/mcp`). */
  url: string;
  /** Diagnostic lines (stderr, only with -v). */
  log?: (line: string) => void;
  /** Where JSON-RPC lines come from. Default: the process's stdin. */
  stdin?: Readable;
  /** Where JSON-RPC lines go. Default: the process's stdout. */
  stdout?: Writable;
}

function protocolVersionOf(msg: JSONRPCMessage): string | undefined {
  if (!("result" in msg)) return undefined;
  const result = msg.result as { protocolVersion?: unknown; serverInfo?: unknown };
  return typeof result.protocolVersion === "string" && result.serverInfo
    ? result.protocolVersion
    : undefined;
}

/** Relays stdin/stdout to `url` until stdin closes; resolves then. */
export async function bridgeStdio(opts: BridgeOptions): Promise<void> {
  const stdin = opts.stdin ?? process.stdin;
  const local = new StdioServerTransport(stdin, opts.stdout ?? process.stdout);
  const remote = new StreamableHTTPClientTransport(new URL(opts.url));
  const closed = new Promise<void>((resolve) => {
    local.onclose = () => resolve();
    remote.onclose = () => resolve();
  });
  const fail = (err: Error) => opts.log?.(`bridge: ${err.message}\n`);
  local.onerror = fail;
  remote.onerror = fail;
  remote.onmessage = (msg: JSONRPCMessage) => {
    const version = protocolVersionOf(msg);
    if (version) remote.setProtocolVersion(version);
    local.send(msg).catch(fail);
  };
  local.onmessage = (msg: JSONRPCMessage) => {
    remote.send(msg).catch((err: Error) => {
      fail(err);
      if ("id" in msg && "method" in msg) {
        local.send({
          jsonrpc: "2.0",
          id: msg.id,
          error: { code: -32603, message: `Cannot reach the MCP server: ${err.message}` },
        }).catch(fail);
      }
    });
  };
  await remote.start();
  await local.start();
  stdin.on("end", () => local.close());
  await closed;
  await remote.terminateSession().catch(() => {});
  await remote.close().catch(() => {});
  await local.close().catch(() => {});
}
