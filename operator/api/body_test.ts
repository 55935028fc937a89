import assert from "node:assert/strict";
import { readLimited } from "./body.ts";
import { ALICE, startBed } from "./_http_testing.ts";

const MiB = 1 << 20;

Deno.test("readLimited() returns bodies up to the limit and refuses one byte more", async () => {
  const body = (n: number) => new Request("http://x", { method: "POST", body: "a".repeat(n) });
  assert.equal((await readLimited(body(10), 10))?.length, 10);
  assert.equal(await readLimited(body(11), 10), undefined);
  assert.equal((await readLimited(new Request("http://x"), 10))?.length, 0);
  const declared = new Request("http://x", {
    method: "POST",
    headers: { "content-length": "11" },
    body: "a".repeat(11),
  });
  assert.equal(await readLimited(declared, 10), undefined);
});

function serve(handle: (r: Request) => Promise<Response>) {
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, handle);
  return { server, url: `http://127.0.0.1:${server.addr.port}` };
}

Deno.test("a streamed 60 MiB POST gets 413 quickly without the operator reading it all", async () => {
  const bed = await startBed({ allow: () => true });
  const { server, url } = serve(bed.handle);
  const chunk = new Uint8Array(64 * 1024).fill(0x20);
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(c) {
      if (sent >= 60 * MiB) return c.close();
      sent += chunk.length;
      c.enqueue(chunk);
    },
  });
  const rss0 = Deno.memoryUsage().rss;
  const t0 = performance.now();
  try {
    const res = await fetch(`${url}/api/v1/namespaces/team-a/servers`, {
      method: "POST",
      headers: { authorization: `Bearer ${ALICE}`, "content-type": "application/json" },
      body,
      duplex: "half",
    } as RequestInit);
    const ms = performance.now() - t0;
    assert.equal(res.status, 413);
    const st = await res.json();
    assert.deepEqual([st.kind, st.reason, st.message], [
      "Status",
      "RequestEntityTooLarge",
      "Request entity too large: limit is 1048576",
    ]);
    const grew = (Deno.memoryUsage().rss - rss0) / MiB;
    console.log(
      `413 after ${ms.toFixed(0)} ms; ${(sent / MiB).toFixed(1)} MiB pulled, RSS +${
        grew.toFixed(1)
      } MiB`,
    );
    assert.ok(ms < 5000, `answered in ${ms} ms`);
    assert.ok(sent < 16 * MiB, `the client was only asked for ${sent} bytes`);
    assert.ok(grew < 48, `RSS grew ${grew} MiB`);
    assert.deepEqual(bed.writes, []);
  } finally {
    await server.shutdown();
    await bed.close();
  }
});

Deno.test("a declared 60 MiB Content-Length gets 413 before any body is sent", async () => {
  const bed = await startBed({ allow: () => true });
  const { server } = serve(bed.handle);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });
  try {
    const head = [
      "POST /api/v1/namespaces/team-a/servers HTTP/1.1",
      "host: op",
      `authorization: Bearer ${ALICE}`,
      "content-type: application/json",
      `content-length: ${60 * MiB}`,
      "",
      "",
    ].join("\r\n");
    await conn.write(new TextEncoder().encode(head));
    const buf = new Uint8Array(4096);
    const n = await Promise.race([
      conn.read(buf),
      new Promise<null>((r) => setTimeout(() => r(null), 5000)),
    ]);
    assert.ok(n, "an answer within 5 s");
    assert.match(new TextDecoder().decode(buf.subarray(0, n)), /^HTTP\/1\.1 413 /);
  } finally {
    conn.close();
    await server.shutdown();
    await bed.close();
  }
});
