import assert from "node:assert/strict";
import { main } from "./main.ts";

Deno.test("bench main() refuses an unknown benchmark with exit code 2", async () => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (msg: string) => errors.push(msg);
  try {
    assert.equal(await main(["nope"]), 2);
  } finally {
    console.error = original;
  }
  assert.match(errors[0], /Cannot run bench "nope": expected one of gateway, operator, cli or all/);
});
