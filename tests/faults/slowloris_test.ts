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
const HEADER_TIMEOUT_S = 4;
/** A dripping head is cut at most this long after --header-timeout (sweep period, load). */
const HEADER_SLACK_MS = 2500;
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

type Answer = { text: string; ms: number } | null;
const within = (p: Promise<Answer>, ms: number) =>
  Promise.race([p, new Promise<null>((r) => setTimeout(() => r(null), ms))]);

/** The answers that are a 408, as the times they came (ms after each socket opened). */
function cutTimes(answers: Answer[]): number[] {
  return answers.filter((a) => a && /^HTTP\/1.1 408/.test(a.text)).map((a) => a!.ms);
}

const range = (ms: number[]) => `${Math.min(...ms).toFixed(0)}–${Math.max(...ms).toFixed(0)} ms`;

Deno.test("faults: slowloris sockets neither starve a fresh client nor count as live; heads and bodies get 408", async () => {
  const gw = await startPodLikeGateway([
    `--body-timeout=${BODY_TIMEOUT_S}`,
    `--header-timeout=${HEADER_TIMEOUT_S}`,
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
    const heads = [...socks];
    const bodies: typeof socks = [];
    for (let i = 0; i < BODY_DRIPPERS; i++) bodies.push(await dripper(port, bodyHead, " "));
    socks.push(...bodies);
    await new Promise((r) => setTimeout(r, 500));
    const mid = await activity(gw.url);
    assert.equal(mid.currentConnections, 0, "dripping sockets are not live connections");
    const served = await assertServed(`${gw.url}/mcp`, {}, 5000);
    console.log(`fresh client during the drip served in ${served.toFixed(0)} ms`);
    assert.ok(served < 3000, `promptly (${served} ms)`);

    const rss = await rssKiB(gw.pid);
    console.log(
      `gateway RSS with ${HEADER_DRIPPERS} header drippers open: ${(rss / 1024).toFixed(1)} MiB`,
    );
    assert.ok(rss < SIDECAR_LIMIT_KIB, `RSS ${rss} KiB under the limit`);

    const cut = cutTimes(await Promise.all(bodies.map((b) => within(b.answer, RUN_MS))));
    console.log(
      `${cut.length}/${BODY_DRIPPERS} dripping bodies got 408 after ${range(cut)} ` +
        `(body timeout ${BODY_TIMEOUT_S} s)`,
    );
    assert.equal(cut.length, BODY_DRIPPERS, "every dripping body gets 408");
    assert.ok(Math.min(...cut) >= BODY_TIMEOUT_S * 1000 - 200, "not before --body-timeout");
    const after = await activity(gw.url);
    assert.equal(after.currentConnections, 0, "still no live connection");

    const bound = HEADER_TIMEOUT_S * 1000 + HEADER_SLACK_MS;
    const headCut = cutTimes(await Promise.all(heads.map((h) => within(h.answer, bound + 1000))));
    console.log(
      `${headCut.length}/${HEADER_DRIPPERS} dripping heads got 408 and were closed after ` +
        `${range(headCut)} (header timeout ${HEADER_TIMEOUT_S} s)`,
    );
    assert.equal(headCut.length, HEADER_DRIPPERS, "every dripping head gets 408");
    assert.ok(Math.min(...headCut) >= HEADER_TIMEOUT_S * 1000 - 200, "not before --header-timeout");
    assert.ok(Math.max(...headCut) <= bound, `within ${bound} ms`);
    await assertServed(`${gw.url}/mcp`, {}, 5000);
  } finally {
    for (const s of socks) s.close();
    await gw.stop();
  }
});
