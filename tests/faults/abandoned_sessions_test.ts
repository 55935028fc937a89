/** Fault: thousands of clients initialize a session and leave without a word. */
import assert from "node:assert/strict";
import { RawConnection } from "../../bench/raw_http.ts";
import { ACCEPT, INIT } from "../../gateway/_testing.ts";
import { EVERYTHING } from "../integration/gateway_support.ts";
import {
  activity,
  assertServed,
  rssKiB,
  SIDECAR_LIMIT_KIB,
  startPodLikeGateway,
} from "./_support.ts";

const SESSIONS = 2000;
const WORKERS = 8;
const BOUND_MS = 60_000;
const BODY = JSON.stringify(INIT);
const HEADERS = { accept: ACCEPT, "content-type": "application/json" };

/** Opens `count` sessions over `WORKERS` keep-alive connections; returns the statuses seen. */
async function abandon(url: string, count: number): Promise<Map<number, number>> {
  const statuses = new Map<number, number>();
  const deadline = Date.now() + BOUND_MS;
  let next = 0;
  await Promise.all(Array.from({ length: WORKERS }, async () => {
    const conn = await RawConnection.open(url);
    try {
      while (next < count && Date.now() < deadline) {
        next++;
        const r = await conn.request("POST", "/mcp", HEADERS, BODY);
        statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
        if (r.status === 200) assert.ok(r.headers.get("mcp-session-id"), "a session id");
      }
    } finally {
      conn.close();
    }
  }));
  return statuses;
}

/** Runs the flood against a gateway started with `flags`, checks memory and a fresh client. */
async function flood(flags: string[]) {
  const gw = await startPodLikeGateway([...flags, "--stdio", "--", ...EVERYTHING]);
  try {
    const t0 = performance.now();
    const statuses = await abandon(gw.url, SESSIONS);
    const took = performance.now() - t0;
    const rss = await rssKiB(gw.pid);
    const act = await activity(gw.url);
    const served = await assertServed(`${gw.url}/mcp`);
    console.log(
      `${SESSIONS} abandoned sessions (${flags.join(" ") || "defaults"}) in ${
        took.toFixed(0)
      } ms: ` +
        `statuses ${JSON.stringify([...statuses])}, openSessions ${act.openSessions}, ` +
        `currentConnections ${act.currentConnections}, RSS ${(rss / 1024).toFixed(1)} MiB, ` +
        `fresh client ${served.toFixed(0)} ms`,
    );
    assert.deepEqual([...statuses], [[200, SESSIONS]], "every initialize is answered 200");
    assert.ok(rss < SIDECAR_LIMIT_KIB, `RSS ${rss} KiB under the sidecar's 128 MiB limit`);
    assert.equal(act.currentConnections, 0, "abandoned sessions are not live connections");
    return act;
  } finally {
    await gw.stop();
  }
}

Deno.test("faults: 2,000 abandoned sessions with room for all: counted open, not live, RSS bounded", async () => {
  const act = await flood(["--max-sessions=2500", "--max-sessions-per-client=2500"]);
  assert.ok(act.openSessions >= SESSIONS, `all ${SESSIONS} counted as open sessions`);
});

Deno.test("faults: 2,000 abandoned sessions from one address under the defaults lock nobody out", async () => {
  const act = await flood([]);
  assert.ok(act.openSessions <= 101, `the per-client cap holds (${act.openSessions} open)`);
  assert.ok(act.openSessions >= 1, "the sessions are counted");
});
