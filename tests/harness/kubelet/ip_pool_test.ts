import assert from "node:assert/strict";
import { IpPool } from "./ip_pool.ts";

Deno.test("IpPool gives each pod its own loopback IP and reuses freed ones last", () => {
  const pool = new IpPool("127.9.9");
  assert.equal(pool.allocate("a"), "127.9.9.2");
  assert.equal(pool.allocate("b"), "127.9.9.3");
  assert.equal(pool.allocate("a"), "127.9.9.2");
  pool.release("a");
  assert.equal(pool.allocate("c"), "127.9.9.4");
  for (let i = 0; i < 251; i++) pool.allocate(`x${i}`);
  assert.throws(() => pool.allocate("overflow"), RangeError);
});
