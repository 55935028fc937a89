/** Fault: 2,500 mutated JSON-RPC requests from a seeded fuzzer against the real gateway. */
import assert from "node:assert/strict";
import { ACCEPT, INIT } from "../../gateway/_testing.ts";
import { EVERYTHING } from "../integration/gateway_support.ts";
import {
  activity,
  alive,
  assertServed,
  prng,
  rssKiB,
  SIDECAR_LIMIT_KIB,
  startPodLikeGateway,
} from "./_support.ts";
import { type FuzzCase, fuzzCase } from "./fuzz_cases.ts";

const SEED = Number(Deno.env.get("NMCP_FUZZ_SEED") ?? 20261201);
const CASES = 2500;
const WORKERS = 8;
const PER_REQUEST_MS = 15_000;
const BOUND_MS = 120_000;

/** Opens a session with initialize; returns its id. */
async function initialize(url: string): Promise<string> {
  const r = await fetch(`${url}/mcp`, {
    method: "POST",
    headers: { accept: ACCEPT, "content-type": "application/json" },
    body: JSON.stringify(INIT),
  });
  await r.body?.cancel();
  return r.headers.get("mcp-session-id")!;
}

/**
 * The first non-1xx status the server writes on `conn`; 0 when it closes (or resets) the
 * connection without one, as Deno.serve does with malformed HTTP framing.
 */
async function finalStatus(conn: Deno.Conn): Promise<number> {
  const buf = new Uint8Array(4096);
  let got = "";
  while (true) {
    const final = [...got.matchAll(/^HTTP\/1\.1 (\d{3})/gm)].map((m) => Number(m[1]))
      .find((s) => s >= 200);
    if (final) return final;
    const n = await conn.read(buf).catch((e) => {
      if (e instanceof Deno.errors.ConnectionReset) return null;
      throw e;
    });
    if (n === null) return 0;
    got += new TextDecoder().decode(buf.subarray(0, n));
  }
}

/** Writes all of `bytes`; a peer that closed or reset the connection ends the write quietly. */
async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  try {
    for (let off = 0; off < bytes.length;) off += await conn.write(bytes.subarray(off));
  } catch (e) {
    if (!(e instanceof Deno.errors.ConnectionReset || e instanceof Deno.errors.BrokenPipe)) throw e;
  }
}

/** Sends a case over a raw socket (its raw lines added, `Connection: close`); returns the status. */
async function sendRaw(url: string, c: FuzzCase, headers: Record<string, string>): Promise<number> {
  const u = new URL(url);
  const conn = await Deno.connect({ hostname: u.hostname, port: Number(u.port) });
  const timer = setTimeout(() => conn.close(), PER_REQUEST_MS);
  try {
    const lines = [`${c.method} ${c.path} HTTP/1.1`, ...c.raw!];
    if (!c.raw!.some((l) => /^host:/i.test(l))) lines.push(`Host: ${u.host}`);
    for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`);
    const framed = c.raw!.some((l) => /^(content-length|transfer-encoding):/i.test(l));
    if (!framed && c.body) lines.push(`Content-Length: ${c.body.length}`);
    lines.push("Connection: close", "", "");
    // The server may close while we still write (an oversized head, say): then read what it said.
    await writeAll(conn, new TextEncoder().encode(lines.join("\r\n")));
    if (c.body) await writeAll(conn, c.body);
    return await finalStatus(conn);
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch { /* closed by the timer */ }
  }
}

/** Slot names the cases carry as session ids; each stands for a live session at send time. */
const SLOTS = ["slot-0", "slot-1", "slot-2", "slot-3"];

/**
 * Sends one case (its session slot replaced by the live session; a slot whose session ended, by
 * a fuzzed DELETE say, gets a new one); returns the status, or 0 with the error when no answer.
 */
async function send(
  url: string,
  c: FuzzCase,
  live: Map<string, string>,
): Promise<{ status: number; error?: string }> {
  const slot = c.headers["mcp-session-id"];
  const headers = { ...c.headers };
  if (live.has(slot)) headers["mcp-session-id"] = live.get(slot)!;
  try {
    if (c.raw) return { status: await sendRaw(url, c, headers) };
    const r = await fetch(`${url}${c.path}`, {
      method: c.method,
      headers,
      body: c.body,
      signal: AbortSignal.timeout(PER_REQUEST_MS),
    });
    // A POST's SSE answer is read to its end (closed once the request is answered); a GET's
    // stream is the standalone one, open for as long as the client wants: its head is the answer.
    const stream = r.headers.get("content-type")?.startsWith("text/event-stream");
    if (c.method === "GET" && stream) await r.body?.cancel();
    else await r.arrayBuffer();
    if (r.status === 404 && live.has(slot)) live.set(slot, await initialize(url));
    return { status: r.status };
  } catch (e) {
    return { status: 0, error: String(e) };
  }
}

Deno.test(`faults: ${CASES} fuzzed requests (seed ${SEED}): no 5xx but 503, no crash, served after`, async () => {
  const gw = await startPodLikeGateway([
    "--request-timeout=5",
    "--body-timeout=1",
    "--max-sessions=40",
    "--stdio",
    "--",
    ...EVERYTHING,
  ]);
  try {
    const live = new Map<string, string>();
    for (const slot of SLOTS) live.set(slot, await initialize(gw.url));
    const rand = prng(SEED);
    const cases = Array.from({ length: CASES }, () => fuzzCase(rand, SLOTS));
    const bad: string[] = [];
    const statuses = new Map<number, number>();
    const deadline = Date.now() + BOUND_MS;
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: WORKERS }, async () => {
      while (next < cases.length && Date.now() < deadline) {
        const i = next++;
        const { status, error } = await send(gw.url, cases[i], live);
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
        // A raw case with malformed framing may be refused by closing the connection (0).
        if ((status === 0 && !cases[i].raw) || (status >= 500 && status !== 503) || error) {
          bad.push(`#${i} [${cases[i].desc.join(", ")}] → ${status || error}`);
        }
      }
    }));
    const took = performance.now() - t0;
    const rss = await rssKiB(gw.pid);
    const sorted = [...statuses].sort((a, b) => a[0] - b[0]);
    console.log(
      `fuzz seed ${SEED}: ${next} cases in ${took.toFixed(0)} ms, statuses ${
        JSON.stringify(sorted)
      }, ` +
        `RSS ${(rss / 1024).toFixed(1)} MiB`,
    );
    const seed = `(seed ${SEED}; rerun with NMCP_FUZZ_SEED=${SEED})`;
    assert.equal(next, CASES, `every case sent within ${BOUND_MS} ms ${seed}`);
    assert.deepEqual(bad.slice(0, 10), [], `unanswered or 5xx ${seed}`);
    assert.ok(await alive(gw.pid), `the gateway is still running ${seed}`);
    assert.ok(rss < SIDECAR_LIMIT_KIB, `RSS ${rss} KiB under the limit ${seed}`);
    await assertServed(`${gw.url}/mcp`);
    const act = await activity(gw.url);
    assert.equal(act.currentConnections, 0, `nothing left in flight ${seed}`);
  } finally {
    await gw.stop();
  }
});
