/** Fault: slowloris, 300 sockets dripping headers and 50 dripping bodies. */
import assert from "node:assert/strict";
import { EVERYTHING } from "../integration/gateway_support.ts";
import {
  activity,
  assertServed,
  rssKiB,
  SIDECAR_LIMIT_KIB,
  startPodLikeGateway,
} from "./_support.ts";

const HEADER_DRIPPERS = 300;
const BODY_DRIPPERS = 50;
const BODY_TIMEOUT_S = 2;
const DRIP_MS = 250;
/** The whole drip lasts at most this long. */
const RUN_MS = 5000;
const enc = new TextEncoder();

/** A socket that sends `head` and then one byte of `drip` every DRIP_MS. */
async function dripper(port: number, head: string, drip: string) {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  await conn.write(enc.encode(head));
  const timer = setInterval(() => conn.write(enc.encode(drip)).catch(() => {}), DRIP_MS);
  const t0 = performance.now();
  // Resolves with what the gateway wrote first and when, or "" when the socket closed silently.
  const answer = (async () => {
    const buf = new Uint8Array(1024);
    const n = await conn.read(buf).catch(() => null);
    return { text: new TextDecoder().decode(buf.subarray(0, n ?? 0)), ms: performance.now() - t0 };
  })();
  const close = () => {
    clearInterval(timer);
    try {
      conn.close();
    } catch { /* closed */ }
  };
  return { answer, close };
}

Deno.test("faults: slowloris sockets neither starve a fresh client nor count as live; bodies get 408", async () => {
  const gw = await startPodLikeGateway([
    `--body-timeout=${BODY_TIMEOUT_S}`,
    "--stdio",
    "--",
    ...EVERYTHING,
  ]);
  const port = Number(new URL(gw.url).port);
  const headerHead = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Drip: ";
  const bodyHead = "POST /mcp HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n" +
    "Accept: application/json, text/event-stream\r\nContent-Length: 100000\r\n\r\n{";
  const socks: Awaited<ReturnType<typeof dripper>>[] = [];
  try {
    for (let i = 0; i < HEADER_DRIPPERS; i++) socks.push(await dripper(port, headerHead, "a"));
    const bodies: typeof socks = [];
    for (let i = 0; i < BODY_DRIPPERS; i++) bodies.push(await dripper(port, bodyHead, " "));
    socks.push(...bodies);
    await new Promise((r) => setTimeout(r, 500));
    const mid = await activity(gw.url);
    assert.equal(mid.currentConnections, 0, "dripping sockets are not live connections");
    const served = await assertServed(`${gw.url}/mcp`, {}, 5000);
    console.log(`fresh client during the drip served in ${served.toFixed(0)} ms`);
    assert.ok(served < 3000, `promptly (${served} ms)`);

    const within = (p: Promise<{ text: string; ms: number }>) =>
      Promise.race([p, new Promise<null>((r) => setTimeout(() => r(null), RUN_MS))]);
    const answers = await Promise.all(bodies.map((b) => within(b.answer)));
    const cut = answers.filter((a) => a && /^HTTP\/1.1 408/.test(a.text)).map((a) => a!.ms);
    console.log(
      `${cut.length}/${BODY_DRIPPERS} dripping bodies got 408 after ` +
        `${Math.min(...cut).toFixed(0)}–${
          Math.max(...cut).toFixed(0)
        } ms (body timeout ${BODY_TIMEOUT_S} s)`,
    );
    assert.equal(cut.length, BODY_DRIPPERS, "every dripping body gets 408");
    assert.ok(Math.min(...cut) >= BODY_TIMEOUT_S * 1000 - 200, "not before --body-timeout");
    const after = await activity(gw.url);
    assert.equal(after.currentConnections, 0, "still no live connection");
    const rss = await rssKiB(gw.pid);
    console.log(
      `gateway RSS with ${HEADER_DRIPPERS} header drippers open: ${(rss / 1024).toFixed(1)} MiB`,
    );
    assert.ok(rss < SIDECAR_LIMIT_KIB, `RSS ${rss} KiB under the limit`);
    await assertServed(`${gw.url}/mcp`, {}, 5000);
  } finally {
    for (const s of socks) s.close();
    await gw.stop();
  }
});
