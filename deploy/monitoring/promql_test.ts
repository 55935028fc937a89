import assert from "node:assert/strict";
import { metricNames } from "./promql.ts";

Deno.test("metricNames() finds the metrics, not functions, labels, keywords, ranges or variables", () => {
  const cases: [string, string[]][] = [
    [
      'histogram_quantile(0.95, sum by (le, pool) (rate(a_bucket{namespace="$ns",x=~"1|2"}[$__rate_interval])))',
      ["a_bucket"],
    ],
    ["max(up_x) < 1 or absent(b)", ["up_x", "b"]],
    ["sum by (namespace, server) (rate(c[10m])) / sum without (code) (rate(d[10m])) > 0.1", [
      "c",
      "d",
    ]],
    ['max by (phase) (e{server="$server"}) == 1', ["e"]],
    ['label_values(f{namespace="$namespace"}, server)', ["f"]],
    ["label_values(g, namespace)", ["g"]],
    ["h * on (pod) group_left (x) i offset 5m", ["h", "i"]],
    ["1e3 * j", ["j"]],
    ["sum(rate(k[${__range}])) bool", ["k"]],
  ];
  for (const [expr, want] of cases) assert.deepEqual(metricNames(expr), want, expr);
});
