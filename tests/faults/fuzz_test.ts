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
        if (status === 0 || (status >= 500 && status !== 503)) {
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
