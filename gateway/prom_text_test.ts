import assert from "node:assert/strict";
import parsePrometheus from "parse-prometheus-text-format";
import { BUCKETS, GatewayMetrics } from "./metrics.ts";
import { formatValue, renderFamilies } from "./prom_text.ts";

Deno.test("renderFamilies: HELP, TYPE, labels in order, escaping", () => {
  const text = renderFamilies([{
    name: "x_total",
    help: "line\nbreak \\ here",
    type: "counter",
    samples: [{ labels: { a: 'q"uote', b: "back\\slash\nnl" }, value: 3 }, { value: 0.5 }],
  }]);
  assert.equal(
    text,
    [
      "# HELP x_total line\\nbreak \\\\ here",
      "# TYPE x_total counter",
      'x_total{a="q\\"uote",b="back\\\\slash\\nnl"} 3',
      "x_total 0.5",
      "",
    ].join("\n"),
  );
  assert.deepEqual([Infinity, -Infinity, NaN, 1e-4].map(formatValue), [
    "+Inf",
    "-Inf",
    "NaN",
    "0.0001",
  ]);
});

Deno.test("GatewayMetrics.render: an independent parser reads every family and value", () => {
  const m = new GatewayMetrics();
  m.openSessions = () => 2;
  m.countHttp("POST", "/mcp", 200);
  m.countHttp("POST", "/mcp", 200);
  m.countHttp("GET", "/sse", 403);
  m.countMethod("tools/call");
  m.countMethod("made/up");
  m.addBytes("client_in", 120);
  m.countRestart();
  m.observe("/mcp", 0.0004);
  m.observe("/mcp", 0.003);
  m.observe("/mcp", 40);
  const { text, contentType } = m.render();
  assert.match(contentType, /^text\/plain; version=0\.0\.4/);
  const families = parsePrometheus(text) as {
    name: string;
    type: string;
    metrics: {
      labels?: Record<string, string>;
      value?: string;
      buckets?: Record<string, string>;
      count?: string;
      sum?: string;
    }[];
  }[];
  const byName = new Map(families.map((f) => [f.name, f]));
  assert.deepEqual(byName.get("nmcp_gateway_http_requests_total")?.metrics, [
    { labels: { method: "POST", path: "/mcp", status: "200" }, value: "2" },
    { labels: { method: "GET", path: "/sse", status: "403" }, value: "1" },
  ]);
  assert.deepEqual(byName.get("nmcp_gateway_rpc_messages_total")?.metrics.map((x) => x.labels), [
    { method: "tools/call" },
    { method: "other" },
  ]);
  assert.equal(byName.get("nmcp_gateway_open_sessions")?.metrics[0].value, "2");
  assert.equal(byName.get("nmcp_gateway_upstream_restarts_total")?.metrics[0].value, "1");
  assert.equal(byName.get("nmcp_gateway_bytes_total")?.metrics[0].value, "120");
  const h = byName.get("nmcp_gateway_http_request_duration_seconds");
  assert.equal(h?.type, "HISTOGRAM");
  // This parser keeps only the buckets of a histogram: sum and count are checked as text.
  const buckets = h!.metrics[0].buckets!;
  assert.equal(Object.keys(buckets).length, BUCKETS.length + 1);
  assert.equal(buckets["0.0005"], "1");
  assert.equal(buckets["0.005"], "2");
  assert.equal(buckets["30"], "2");
  assert.equal(buckets["+Inf"], "3");
  assert.match(text, /^nmcp_gateway_http_request_duration_seconds_count\{path="\/mcp"\} 3$/m);
  assert.match(text, /^nmcp_gateway_http_request_duration_seconds_sum\{path="\/mcp"\} 40\.0034$/m);
});
