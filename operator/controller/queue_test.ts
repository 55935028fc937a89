import assert from "node:assert/strict";
import { WorkQueue } from "./queue.ts";

Deno.test("WorkQueue deduplicates keys and re-queues a key added while processing", async () => {
  const q = new WorkQueue();
  q.add("a");
  q.add("a");
  q.add("b");
  assert.equal(q.length, 2);
  const k = await q.get();
  assert.equal(k, "a");
  q.add("a");
  assert.equal(q.length, 1);
  q.done("a");
  assert.equal(q.length, 2);
  assert.equal(await q.get(), "b");
  q.shutDown();
  assert.equal(await q.get(), undefined);
});

Deno.test("WorkQueue backs off exponentially and forgets after success", () => {
  const q = new WorkQueue({ baseDelayMs: 10, maxDelayMs: 35 });
  assert.equal(q.addRateLimited("k"), 10);
  assert.equal(q.addRateLimited("k"), 20);
  assert.equal(q.addRateLimited("k"), 35);
  q.forget("k");
  assert.equal(q.addRateLimited("k"), 10);
  q.shutDown();
});

Deno.test("WorkQueue addAfter() delivers a delayed key to a waiting worker", async () => {
  const q = new WorkQueue();
  const t0 = Date.now();
  const got = q.get();
  q.addAfter("x", 30);
  q.addAfter("x", 500);
  assert.equal(await got, "x");
  assert.ok(Date.now() - t0 >= 25);
  q.shutDown();
});
