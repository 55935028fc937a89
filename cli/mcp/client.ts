/** An MCP SDK client over Streamable HTTP, loaded only by the verbs that speak MCP. */

// @ts-types="@modelcontextprotocol/sdk/client/index"
import type * as SdkClient from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import type * as SdkStreamableHttp from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { CallResult, ToolInfo } from "./tools_view.ts";

/** What `tools` and `call` ask of a server. */
export interface McpSession {
  listTools(): Promise<ToolInfo[]>;
  callTool(name: string, args: Record<string, unknown>): Promise<CallResult>;
}

/** Connects to `url`, runs `fn` and closes the session whatever happens. */
export async function withMcpClient<T>(url: string, fn: (s: McpSession) => Promise<T>): Promise<T> {
  // Loaded lazily; import() ignores @ts-types, so the type-only namespaces above type it.
  const { Client }: typeof SdkClient = await import("@modelcontextprotocol/sdk/client/index.js");
  const { StreamableHTTPClientTransport }: typeof SdkStreamableHttp = await import(
    "@modelcontextprotocol/sdk/client/streamableHttp.js"
  );
  const client = new Client({ name: "kubectl-nmcp", version: "1" });
  await client.connect(new StreamableHTTPClientTransport(new URL(url)));
  try {
    return await fn({
      async listTools() {
        const tools: ToolInfo[] = [];
        let cursor: string | undefined;
        for (let page = 0; page < 100; page++) {
          const r = await client.listTools(cursor ? { cursor } : undefined);
          tools.push(...(r.tools as ToolInfo[]));
          cursor = r.nextCursor;
          if (!cursor) break;
        }
        return tools;
      },
      callTool: async (name, args) =>
        await client.callTool({ name, arguments: args }) as CallResult,
    });
  } finally {
    await client.close().catch(() => {});
  }
}
