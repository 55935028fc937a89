import assert from "node:assert/strict";
import { headEnd, parseHead, RawConnection } from "./raw_http.ts";

Deno.test("parseHead() reads the status and lower-cases header names", () => {
  const head = parseHead("HTTP/1.1 202 Accepted\r\nContent-Type: text/plain\r\nX-A:  b ");
  assert.equal(head.status, 202);
  assert.deepEqual([...head.headers], [["content-type", "text/plain"], ["x-a", "b"]]);
  assert.throws(() => parseHead("garbage"), /Cannot parse HTTP status line/);
  const bytes = new TextEncoder().encode("HTTP/1.1 200 OK\r\nA: 1\r\n\r\nbody");
  assert.equal(headEnd(bytes), 21);
  assert.equal(headEnd(bytes.subarray(0, 20)), -1);
});

Deno.test("RawConnection: keep-alive requests with sized and chunked bodies, then a stream", async () => {
  const encoder = new TextEncoder();
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const path = new URL(req.url).pathname;
    if (path === "/sized") return new Response(`got ${await req.text()}`);
    const parts = path === "/chunked" ? ["a", "bb", "ccc"] : ["event: x\ndata: 1\n\n"];
    const body = new ReadableStream<Uint8Array>({
      start(ctrl) {
        for (const p of parts) ctrl.enqueue(encoder.encode(p));
        if (path === "/chunked") ctrl.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/event-stream" } });
  });
  const conn = await RawConnection.open(`http://127.0.0.1:${server.addr.port}/`);
  try {
    const sized = await conn.request("POST", "/sized", { "content-type": "text/plain" }, "héllo");
    assert.equal(sized.status, 200);
    assert.equal(sized.body, "got héllo");
    const chunked = await conn.request("GET", "/chunked", {});
    assert.equal(chunked.headers.get("transfer-encoding"), "chunked");
    assert.equal(chunked.body, "abbccc");
    assert.equal((await conn.request("POST", "/sized", {}, "again")).body, "got again");
    await conn.send("GET", "/stream", {});
    assert.equal((await conn.head()).headers.get("content-type"), "text/event-stream");
    assert.equal(await conn.chunk(), "event: x\ndata: 1\n\n");
  } finally {
    conn.close();
    await server.shutdown();
  }
});

Deno.test("RawConnection.request gives up after its timeout", async () => {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const accepted = listener.accept();
  const conn = await RawConnection.open(`http://127.0.0.1:${listener.addr.port}/`);
  const t0 = performance.now();
  await assert.rejects(conn.request("GET", "/", {}, undefined, 200));
  assert.ok(performance.now() - t0 < 5000);
  (await accepted).close();
  listener.close();
});
