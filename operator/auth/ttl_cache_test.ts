import assert from "node:assert/strict";
import { sha256Hex, TtlCache } from "./ttl_cache.ts";

Deno.test("TtlCache expires entries after their own time to live", () => {
  let now = 1000;
  const c = new TtlCache<string, number>({ now: () => now });
  c.set("a", 1, 10_000);
  c.set("b", 2, 2_000);
  c.set("zero", 3, 0);
  assert.equal(c.get("zero"), undefined, "a zero TTL stores nothing");
  now += 1_999;
  assert.deepEqual([c.get("a"), c.get("b")], [1, 2]);
  now += 1;
  assert.deepEqual([c.get("a"), c.get("b")], [1, undefined]);
  now += 8_000;
  assert.equal(c.get("a"), undefined);
  assert.equal(c.size, 0, "expired entries are dropped when read");
});

Deno.test("TtlCache keeps at most maxEntries, evicting the least recently used", () => {
  const c = new TtlCache<number, number>({ maxEntries: 3, now: () => 0 });
  for (const k of [1, 2, 3]) c.set(k, k, 1000);
  assert.equal(c.get(1), 1); // 1 is now the most recently used
  c.set(4, 4, 1000);
  assert.equal(c.size, 3);
  assert.deepEqual([c.get(1), c.get(2), c.get(3), c.get(4)], [1, undefined, 3, 4]);
  for (let k = 10; k < 1000; k++) c.set(k, k, 1000);
  assert.equal(c.size, 3);
});

Deno.test("sha256Hex() hashes like the standard test vector", async () => {
  assert.equal(
    await sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
});
