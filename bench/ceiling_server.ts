/**
 * Calibration for `bench gateway`: an HTTP server that answers MCP `echo` calls itself, with no
 * upstream and no sessions. Its throughput is what the load client and loopback HTTP can do on
 * this machine, the ceiling for any gateway. Prints `ceiling listening on URL`.
 */

/** Answers one JSON-RPC message the way an echo server behind a gateway would (pure). */
export function reply(msg: Record<string, unknown>): Response {
  if (msg.id === undefined) return new Response(null, { status: 202 });
  const params = (msg.params ?? {}) as { arguments?: { message?: unknown } };
  const result = msg.method === "initialize"
    ? {
      protocolVersion: "2025-06-18",
      capabilities: { tools: {} },
      serverInfo: { name: "ceiling", version: "1" },
    }
    : { content: [{ type: "text", text: String(params.arguments?.message ?? "") }] };
  return Response.json({ jsonrpc: "2.0", id: msg.id, result });
}

if (import.meta.main) {
  Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ hostname, port }) =>
      console.log(`ceiling listening on http://${hostname}:${port}`),
  }, async (req) => {
    if (req.method !== "POST") return new Response(null, { status: 405 });
    return reply(await req.json());
  });
}
