/**
 * A tiny, fast stdio MCP server for benchmarks: newline-delimited JSON-RPC, one tool `echo`
 * that returns its `message`. No SDK, so the server is never the bottleneck.
 */

interface Request {
  jsonrpc: "2.0";
  id?: string | number;
  method?: string;
  params?: Record<string, unknown>;
}

const SERVER_INFO = { name: "nmcp-bench-echo", version: "1.0.0" };
const ECHO_TOOL = {
  name: "echo",
  description: "Echoes its message",
  inputSchema: { type: "object", properties: { message: { type: "string" } } },
};

/** The result (or error) for one request; `undefined` for notifications and responses. */
export function answer(req: Request): object | undefined {
  if (req.id === undefined || req.method === undefined) return undefined;
  const ok = (result: unknown) => ({ jsonrpc: "2.0", id: req.id, result });
  switch (req.method) {
    case "initialize":
      return ok({
        protocolVersion: req.params?.protocolVersion ?? "2025-06-18",
        capabilities: { tools: {} },
        serverInfo: SERVER_INFO,
      });
    case "ping":
      return ok({});
    case "tools/list":
      return ok({ tools: [ECHO_TOOL] });
    case "tools/call": {
      const args = (req.params?.arguments ?? {}) as Record<string, unknown>;
      return ok({ content: [{ type: "text", text: String(args.message ?? "") }] });
    }
    default:
      return {
        jsonrpc: "2.0",
        id: req.id,
        error: { code: -32601, message: `Method not found: ${req.method}` },
      };
  }
}

async function serve(): Promise<void> {
  const encoder = new TextEncoder();
  const writer = Deno.stdout.writable.getWriter();
  let buf = "";
  for await (const chunk of Deno.stdin.readable.pipeThrough(new TextDecoderStream())) {
    buf += chunk;
    const lines = buf.split("\n");
    buf = lines.pop() ?? "";
    let out = "";
    for (const line of lines) {
      if (!line.trim()) continue;
      try {
        const reply = answer(JSON.parse(line));
        if (reply) out += JSON.stringify(reply) + "\n";
      } catch {
        out += JSON.stringify({
          jsonrpc: "2.0",
          id: null,
          error: { code: -32700, message: "Parse error" },
        }) + "\n";
      }
    }
    if (out) await writer.write(encoder.encode(out));
  }
}

if (import.meta.main) await serve();
