/**
 * Calibration for `bench gateway`: the least a bridge must do. It forwards bytes between HTTP
 * clients (Streamable HTTP JSON replies, legacy SSE) and one stdio child, routing replies by the
 * client's own JSON-RPC id (the bench's ids are unique across sessions), with no id rewriting,
 * no session checks, no security and no metrics. No real gateway can beat its throughput on the
 * same machine; it shows how much of a cell is the gateway and how much is the loopback and
 * process hops. Usage: `deno run -A bench/floor_bridge.ts CMD ARGS…`; prints `floor listening on URL`.
 */

import { spawnPiped } from "./proc.ts";

const encoder = new TextEncoder();

/** Where the reply to one client id goes: a waiting POST, or an SSE stream. */
type Route = ((line: string) => void) | ReadableStreamDefaultController<Uint8Array>;

/** Id of a JSON-RPC line, or undefined for notifications and unparsable lines (pure). */
export function idOf(line: string): unknown {
  try {
    return (JSON.parse(line) as { id?: unknown }).id;
  } catch {
    return undefined;
  }
}

function bridge(argv: string[]): (req: Request) => Promise<Response> {
  const child = spawnPiped(argv);
  const stdin = child.stdin.getWriter();
  const routes = new Map<unknown, Route>();
  const streams = new Map<string, ReadableStreamDefaultController<Uint8Array>>();
  let nextSession = 1;
  (async () => {
    const decoder = new TextDecoder();
    let buf = "";
    for await (const chunk of child.stdout) {
      buf += decoder.decode(chunk, { stream: true });
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const id = idOf(line);
        const route = routes.get(id);
        routes.delete(id);
        if (typeof route === "function") route(line);
        else route?.enqueue(encoder.encode(`event: message\ndata: ${line}\n\n`));
      }
    }
  })();
  const send = (text: string) => stdin.write(encoder.encode(text + "\n"));
  return async (req) => {
    const url = new URL(req.url);
    if (url.pathname === "/sse") {
      const sid = String(nextSession++);
      const body = new ReadableStream<Uint8Array>({
        start(ctrl) {
          streams.set(sid, ctrl);
          ctrl.enqueue(encoder.encode(`event: endpoint\ndata: /message?sessionId=${sid}\n\n`));
        },
        cancel: () => void streams.delete(sid),
      });
      return new Response(body, { headers: { "content-type": "text/event-stream" } });
    }
    const text = await req.text();
    const id = idOf(text);
    if (url.pathname === "/message") {
      const stream = streams.get(url.searchParams.get("sessionId") ?? "");
      if (id !== undefined && stream) routes.set(id, stream);
      send(text);
      return new Response("Accepted", { status: 202 });
    }
    if (id === undefined) {
      send(text);
      return new Response(null, { status: 202 });
    }
    const line = await new Promise<string>((resolve) => {
      routes.set(id, resolve);
      send(text);
    });
    return new Response(line, { headers: { "content-type": "application/json" } });
  };
}

if (import.meta.main) {
  Deno.serve({
    hostname: "127.0.0.1",
    port: 0,
    onListen: ({ hostname, port }) => console.log(`floor listening on http://${hostname}:${port}`),
  }, bridge(Deno.args));
}
