import assert from "node:assert/strict";
import { serveGuarded } from "./mod.ts";

type Mode = "watch" | "front";
const MODES: Mode[] = ["watch", "front"];
const enc = new TextEncoder();
const dec = new TextDecoder();

function start(headerTimeoutMs: number, mode: Mode, maxHeadBytes?: number) {
  const peers: Deno.NetAddr[] = [];
  const server = serveGuarded(
    { hostname: "127.0.0.1", port: 0, headerTimeoutMs, maxHeadBytes, mode },
    (req, info) => {
      peers.push(info.remoteAddr);
      return new Response(`hello ${new URL(req.url).pathname}`);
    },
  );
  return { server, peers, port: server.addr.port };
}

/** Reads until the peer closes or `ms` pass; what arrived and when the socket closed. */
async function readAll(conn: Deno.Conn, ms: number): Promise<{ text: string; closedAt: number }> {
  const t0 = performance.now();
  let text = "";
  const buf = new Uint8Array(4096);
  const timer = setTimeout(() => conn.close(), ms);
  try {
    for (;;) {
      const n = await conn.read(buf);
      if (n === null) break;
      text += dec.decode(buf.subarray(0, n));
    }
  } catch { /* closed by the timer */ }
  clearTimeout(timer);
  return { text, closedAt: performance.now() - t0 };
}

/** Writes `head` then one byte every `everyMs` until the socket fails. */
function drip(conn: Deno.Conn, head: string, everyMs: number): () => void {
  conn.write(enc.encode(head)).catch(() => {});
  const t = setInterval(() => conn.write(enc.encode("a")).catch(() => clearInterval(t)), everyMs);
  return () => clearInterval(t);
}

for (const mode of MODES) {
  Deno.test(`serveGuarded(${mode}) serves fetch with the client's own address`, async () => {
    const { server, peers, port } = start(1000, mode);
    try {
      assert.equal(server.guard, mode, "Linux with FFI: the watch is available");
      for (let i = 0; i < 3; i++) {
        const r = await fetch(`http://127.0.0.1:${port}/p${i}`);
        assert.equal(await r.text(), `hello /p${i}`);
      }
      assert.equal(peers.length, 3);
      for (const p of peers) {
        assert.equal(p.hostname, "127.0.0.1");
        assert.notEqual(p.port, port);
      }
    } finally {
      await server.shutdown();
    }
  });

  Deno.test(`serveGuarded(${mode}) answers 408 to a dripping first head within the timeout`, async () => {
    const { server, port } = start(600, mode);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    const stop = drip(conn, "GET / HTTP/1.1\r\nHost: x\r\nX-Drip: ", 100);
    try {
      const { text, closedAt } = await readAll(conn, 5000);
      assert.match(text, /^HTTP\/1.1 408 /);
      assert.ok(closedAt >= 550 && closedAt < 1500, `closed after ${closedAt} ms`);
    } finally {
      stop();
      await server.shutdown();
    }
  });

  Deno.test(`serveGuarded(${mode}) times the next head on a keep-alive connection too`, async () => {
    const { server, port } = start(600, mode);
    const conn = await Deno.connect({ hostname: "127.0.0.1", port });
    try {
      await conn.write(enc.encode("GET /one HTTP/1.1\r\nHost: x\r\n\r\n"));
      const buf = new Uint8Array(4096);
      const n = await conn.read(buf);
      assert.match(dec.decode(buf.subarray(0, n ?? 0)), /hello \/one/);
      // Idle longer than the timeout first: an idle keep-alive connection is not cut.
      await new Promise((r) => setTimeout(r, 900));
      const stop = drip(conn, "GET /two HTTP/1.1\r\nX-Drip: ", 100);
      const { text, closedAt } = await readAll(conn, 5000);
      stop();
      assert.match(text, /^HTTP\/1.1 408 /);
      assert.ok(closedAt >= 550 && closedAt < 1500, `closed after ${closedAt} ms`);
    } finally {
      await server.shutdown();
    }
  });
}

Deno.test("serveGuarded(front) answers 431 to a first head over the size cap", async () => {
  const { server, port } = start(5000, "front", 1024);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(enc.encode(`GET / HTTP/1.1\r\nX-Big: ${"b".repeat(2000)}\r\n\r\n`));
    const { text } = await readAll(conn, 5000);
    assert.match(text, /^HTTP\/1.1 431 /);
  } finally {
    await server.shutdown();
  }
});

Deno.test("serveGuarded() with a 0 timeout is plain Deno.serve (dripping heads stay open)", async () => {
  const { server, port } = start(0, "watch");
  assert.equal(server.guard, "none");
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const stop = drip(conn, "GET / HTTP/1.1\r\nX-Drip: ", 100);
  try {
    const { text, closedAt } = await readAll(conn, 1200);
    assert.equal(text, "");
    assert.ok(closedAt >= 1100, "still open when the reader gave up");
    assert.equal(await (await fetch(`http://127.0.0.1:${port}/x`)).text(), "hello /x");
  } finally {
    stop();
    await server.shutdown();
  }
});
