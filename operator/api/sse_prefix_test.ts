import assert from "node:assert/strict";
import { prefixEndpointEvent } from "./sse_prefix.ts";

async function run(chunks: string[], prefix: string): Promise<string> {
  const enc = new TextEncoder();
  const src = new ReadableStream<Uint8Array>({
    start(c) {
      for (const s of chunks) c.enqueue(enc.encode(s));
      c.close();
    },
  });
  return await new Response(src.pipeThrough(prefixEndpointEvent(prefix))).text();
}

Deno.test("prefixEndpointEvent() rewrites the endpoint path across chunk boundaries", async () => {
  const out = await run(
    ["event: endp", "oint\ndata: /mess", "age?sessionId=1\n\n", "event: message\ndata: /x\n\n"],
    "/servers/ns/a",
  );
  assert.equal(
    out,
    "event: endpoint\ndata: /servers/ns/a/message?sessionId=1\n\nevent: message\ndata: /x\n\n",
  );
});

Deno.test("prefixEndpointEvent() leaves absolute URLs and other events alone", async () => {
  const s = "event: message\ndata: /a\n\nevent: endpoint\ndata: http://h/message\n\n";
  assert.equal(await run([s], "/p"), s);
});
