import assert from "node:assert/strict";
import { GatewayMetrics } from "../../gateway/mod.ts";
import { toolRows, toolsText, wakeDuration, wakeText } from "./describe_view.ts";

Deno.test("toolRows() reads the gateway's per-tool series, most called first", () => {
  const m = new GatewayMetrics();
  m.observeTool("search", 0.2, false);
  m.observeTool("search", 0.4, true);
  m.observeTool("fetch", 1, true);
  m.observeTool('we"ird', 0.01, false);
  const rows = toolRows(m.render().text);
  assert.deepEqual(rows.map((r) => [r.tool, r.calls, r.errors]), [
    ["search", 2, 1],
    ["fetch", 1, 1],
    ['we"ird', 1, 0],
  ]);
  assert.ok(Math.abs(rows[0].meanSeconds - 0.3) < 1e-9);
  const text = toolsText(rows, 1);
  assert.match(text, /^ {2}search\s+2\s+1\s+300ms$/m);
  assert.match(text, /^ {2}fetch\s+1\s+1\s+1000ms$/m, "the top by errors is shown too");
  assert.doesNotMatch(text, /weird/);
  assert.equal(toolsText([]), "Tools:  <no calls yet>\n");
  assert.equal(toolsText("server not running"), "Tools:  <server not running>\n");
});

Deno.test("wakeText() says when, how long and behind whom a wake queued", () => {
  const now = new Date("2026-01-01T00:01:00Z");
  const text = wakeText({
    requestedAt: "2026-01-01T00:00:00Z",
    admittedAt: "2026-01-01T00:00:04Z",
    readyAt: "2026-01-01T00:00:06.5Z",
    durationMs: 6500,
    queuedMs: 4000,
    queuedBehind: ["a", "b"],
  }, now);
  assert.match(text, /^ {2}Requested:\s+2026-01-01T00:00:00Z \(60s ago\)$/m);
  assert.match(text, /^ {2}Took:\s+6\.5s$/m);
  assert.match(text, /^ {2}Queued:\s+4\.0s$/m);
  assert.match(text, /^ {2}Queued Behind:\s+a, b$/m);
  const waiting = wakeText({ requestedAt: "2026-01-01T00:00:00Z", queuedBehind: ["a"] }, now);
  assert.match(waiting, /Took:\s+not Ready yet/);
  assert.match(waiting, /Queued:\s+waiting for a slot/);
  assert.equal(wakeText(undefined, now), "Last Wake:  <none>\n");
  assert.deepEqual([wakeDuration(250), wakeDuration(2500), wakeDuration(125_000)], [
    "250ms",
    "2.5s",
    "2m5s",
  ]);
});
