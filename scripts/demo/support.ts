/** The demo's MCP client: the official SDK over Streamable HTTP, narrated. */

// @ts-types="@modelcontextprotocol/sdk/client/index"
import type * as SdkClient from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import type * as SdkStreamableHttp from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import type { Narrator } from "./narrator.ts";

/** What the client saw, and how to close it. */
export interface ClientRun {
  /** Text of the echo tool's answer. */
  text: string;
  close(): Promise<void>;
}

/** Connects the SDK client to `url`, lists tools and calls `echo`, narrating each call. */
export async function connectClient(url: string, say: Narrator): Promise<ClientRun> {
  // Still loaded lazily; import() ignores @ts-types, so the type-only namespaces above type it.
  const { Client }: typeof SdkClient = await import("@modelcontextprotocol/sdk/client/index.js");
  const { StreamableHTTPClientTransport }: typeof SdkStreamableHttp = await import(
    "@modelcontextprotocol/sdk/client/streamableHttp.js"
  );
  const client = new Client({ name: "nmcp-demo", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(new URL(url));
  await client.connect(transport);
  const info = client.getServerVersion();
  say.say(`initialize → ${info?.name} ${info?.version}`);
  const { tools } = await client.listTools();
  say.say(
    `tools/list → ${tools.length} tools: ${tools.map((t: { name: string }) => t.name).join(", ")}`,
  );
  const res = await client.callTool({
    name: "echo",
    arguments: { message: "hello from the nmcp demo" },
  });
  const content = res.content as { type: string; text?: string }[];
  const text = content.map((c) => c.text ?? "").join("");
  say.say(`tools/call echo → ${JSON.stringify(text)}`);
  const close = async () => {
    await transport.terminateSession(); // DELETE: the gateway then counts no open session
    await client.close();
  };
  return { text, close };
}
