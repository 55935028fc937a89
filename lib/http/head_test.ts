import assert from "node:assert/strict";
import { headCheck, headEnd, type SeenState, type ServedState } from "./head.ts";

const enc = new TextEncoder();

const T = 1000;
const served = (requests: number, open: number, doneAt: number): ServedState => ({
  requests,
  open,
  doneAt,
});

Deno.test("headCheck() times the first head from when the socket was first seen", () => {
  const seen: SeenState = { firstSeen: 100 };
  const at = (now: number) => headCheck(undefined, seen, { bytesReceived: 5n, now, timeoutMs: T });
  assert.equal(at(1100).late, false);
  assert.equal(at(1101).late, true);
  assert.equal(
    headCheck(served(0, 0, 0), seen, { bytesReceived: 0n, now: 1200, timeoutMs: T }).late,
    true,
  );
});

Deno.test("headCheck() never cuts a connection whose request is being handled", () => {
  const seen: SeenState = { firstSeen: 0, baseline: 1n, baselineAt: 10, headSince: 20 };
  const r = headCheck(served(3, 1, 5), seen, { bytesReceived: 900n, now: 99_999, timeoutMs: T });
  assert.deepEqual(r, { seen: { firstSeen: 0 }, late: false });
});

Deno.test("headCheck() leaves an idle keep-alive connection alone, then times a new head from its first byte", () => {
  const s = served(1, 0, 500);
  const opts = (bytesReceived: bigint, now: number) => ({ bytesReceived, now, timeoutMs: T });
  // First sweep after the answer: the bytes so far are the baseline.
  let r = headCheck(s, { firstSeen: 0 }, opts(300n, 600));
  assert.deepEqual(r, { seen: { firstSeen: 0, baseline: 300n, baselineAt: 600 }, late: false });
  // Idle for a long time: not late.
  r = headCheck(s, r.seen, opts(300n, 60_000));
  assert.equal(r.late, false);
  // Bytes arrive: a head started; late only after the timeout.
  r = headCheck(s, r.seen, opts(310n, 61_000));
  assert.deepEqual([r.seen.headSince, r.late], [61_000, false]);
  r = headCheck(s, r.seen, opts(320n, 62_001));
  assert.equal(r.late, true);
  // A newer answer starts a new idle period with a new baseline.
  r = headCheck(served(2, 0, 62_500), r.seen, opts(400n, 63_000));
  assert.deepEqual(r, { seen: { firstSeen: 0, baseline: 400n, baselineAt: 63_000 }, late: false });
});

Deno.test("headEnd() finds the end of a head across a chunk boundary", () => {
  const bytes = enc.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\nbody");
  assert.equal(headEnd(bytes), 27);
  assert.equal(headEnd(bytes, 23), 27);
  assert.equal(headEnd(bytes, 24), -1);
  assert.equal(headEnd(enc.encode("GET / HTTP/1.1\r\nHost: x\r\n")), -1);
});
