import assert from "node:assert/strict";
import { until } from "../_testing.ts";
import { ProjectedToken, refreshAtMs } from "./sa_token.ts";

Deno.test("refreshAtMs() is 80% into the token's life", () => {
  assert.equal(refreshAtMs(1000, 3_601_000), 2_881_000);
  assert.equal(refreshAtMs(5000, 4000), 5000);
});

Deno.test("ProjectedToken writes the first token, refreshes at 80% of its life and retries failures", async () => {
  const written: string[] = [];
  const errors: string[] = [];
  let n = 0;
  const t = new ProjectedToken({
    request: () => {
      n++;
      if (n === 3) return Promise.reject(new Error("API down"));
      const exp = new Date(Date.now() + 500).toISOString();
      return Promise.resolve({ token: `t${n}`, expirationTimestamp: exp });
    },
    write: (tok) => {
      written.push(tok);
      return Promise.resolve();
    },
    onError: (e) => errors.push(String(e)),
    retryMs: 50,
  });
  const t0 = Date.now();
  await t.start();
  assert.deepEqual(written, ["t1"]);
  await until("the first refresh", () => Promise.resolve(written.length >= 2), 2000, 10);
  const firstRefresh = Date.now() - t0;
  assert.ok(firstRefresh >= 380 && firstRefresh < 1000, `refreshed after ${firstRefresh} ms`);
  await until("a retried refresh", () => Promise.resolve(written.length >= 3), 3000, 10);
  await t.stop();
  const after = written.length;
  assert.deepEqual(written.slice(0, 3), ["t1", "t2", "t4"]);
  assert.deepEqual(errors, ["Error: API down"]);
  await new Promise((r) => setTimeout(r, 600));
  assert.equal(written.length, after, "no refresh after stop()");
});

Deno.test("ProjectedToken.start() fails when the first request fails", async () => {
  const t = new ProjectedToken({
    request: () => Promise.reject(new Error('serviceaccounts "x" not found')),
    write: () => Promise.resolve(),
  });
  await assert.rejects(() => t.start(), /not found/);
  await t.stop();
});
