import assert from "node:assert/strict";
import { createLogger, parseLogLevel } from "./log.ts";

Deno.test("createLogger() writes JSON lines at or above its level with bound fields", () => {
  const lines: string[] = [];
  const log = createLogger({ component: "t" }, {
    level: "info",
    write: (l) => lines.push(l),
    now: () => new Date(0),
  });
  log.debug("hidden");
  log.with({ name: "x" }).warn("shown", { n: 1 });
  assert.equal(lines.length, 1);
  assert.deepEqual(JSON.parse(lines[0]), {
    ts: "1970-01-01T00:00:00.000Z",
    level: "warn",
    msg: "shown",
    component: "t",
    name: "x",
    n: 1,
  });
});

Deno.test("parseLogLevel() rejects unknown levels with a clear message", () => {
  assert.equal(parseLogLevel("debug"), "debug");
  assert.throws(() => parseLogLevel("loud"), /Cannot use log level "loud"/);
});
