import assert from "node:assert/strict";
import { parseEventId, SseStream } from "./sse_stream.ts";

Deno.test("SseStream numbers events per stream and replays after a Last-Event-ID", async () => {
  const s = new SseStream("abc", { history: 2 });
  const first = s.connect().pipeThrough(new TextDecoderStream()).getReader();
  s.event("message", "1");
  assert.equal((await first.read()).value, "id: abc_1\nevent: message\ndata: 1\n\n");
  await first.cancel();
  s.event("message", "2");
  s.event("message", "3");
  s.end();
  const replay = await new Response(s.connect(1)).text();
  assert.equal(
    replay,
    "id: abc_2\nevent: message\ndata: 2\n\nid: abc_3\nevent: message\ndata: 3\n\n",
  );
  assert.deepEqual(parseEventId("abc_3"), { stream: "abc", n: 3 });
  assert.equal(parseEventId("nope"), null);
});

Deno.test("SseStream sends comment heartbeats while connected and stops at the end", async () => {
  const s = new SseStream("hb", { heartbeatMs: 20 });
  const reader = s.connect().pipeThrough(new TextDecoderStream()).getReader();
  assert.equal((await reader.read()).value, ":\n\n");
  s.end();
  let rest = "";
  for (let r = await reader.read(); !r.done; r = await reader.read()) rest += r.value;
  assert.ok(/^(:\n\n)*$/.test(rest));
});
