/**
 * The Grafana dashboard of the monitoring component: a fleet view (servers by phase, wakes,
 * wake latency, queue wait, sessions, errors) and one server's view (`$namespace`, `$server`:
 * calls, errors and latency by tool, wake times, sessions). Operator gauges are exported by
 * every replica, so they are reduced with `max` before summing.
 *
 * @module
 */

/** One query of a panel. */
interface Target {
  expr: string;
  legendFormat: string;
}

/** A dashboard panel (the subset of Grafana's model this dashboard uses). */
export interface Panel {
  type: "timeseries" | "stat" | "row";
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  fieldConfig?: { defaults: { unit?: string } };
  datasource?: { type: "prometheus"; uid: "${datasource}" };
  id: number;
}

const DS = { type: "prometheus", uid: "${datasource}" } as const;
const SEL = 'namespace="$namespace",server="$server"';
const RATE = "$__rate_interval";

/** The panels as [title, unit, [expr, legend]...], laid out two per row of height 8. */
type Spec = [string, string, [string, string][]];

const FLEET: Spec[] = [
  ["Servers by phase", "short", [[
    "sum by (phase) (max by (namespace, server, phase) (nmcp_server_phase))",
    "{{phase}}",
  ]]],
  ["Wakes per minute", "short", [[
    `sum by (pool) (rate(nmcp_server_wake_duration_seconds_count[${RATE}])) * 60`,
    "{{pool}}",
  ]]],
  ["Wake latency (request to Ready)", "s", [
    [
      `histogram_quantile(0.5, sum by (le) (rate(nmcp_server_wake_duration_seconds_bucket[${RATE}])))`,
      "p50",
    ],
    [
      `histogram_quantile(0.95, sum by (le) (rate(nmcp_server_wake_duration_seconds_bucket[${RATE}])))`,
      "p95",
    ],
    [
      `histogram_quantile(0.95, sum by (le) (rate(nmcp_wake_latency_seconds_bucket[${RATE}])))`,
      "p95 router wait",
    ],
  ]],
  ["Queue wait (pool slot)", "s", [
    [
      `histogram_quantile(0.95, sum by (le, pool) (rate(nmcp_server_queue_wait_seconds_bucket[${RATE}])))`,
      "p95 {{pool}}",
    ],
    ["sum by (pool) (max by (namespace, pool) (nmcp_pool_pending))", "pending {{pool}}"],
  ]],
  ["Sessions and connections", "short", [
    ["sum(max by (namespace, server) (nmcp_server_sessions))", "sessions"],
    ["sum(max by (namespace, server) (nmcp_server_connections))", "connections"],
  ]],
  ["Errors", "reqps", [
    [
      `sum by (code) (rate(nmcp_server_routed_requests_total{code=~"4xx|5xx"}[${RATE}]))`,
      "router {{code}}",
    ],
    [`sum(rate(nmcp_gateway_tool_errors_total[${RATE}]))`, "tool errors"],
    [`sum(rate(nmcp_reconcile_errors_total[${RATE}]))`, "reconcile errors"],
  ]],
  ["Evictions", "short", [[
    `sum by (reason) (increase(nmcp_server_evictions_total[${RATE}]))`,
    "{{reason}}",
  ]]],
  ["Pool usage", "percentunit", [[
    "max by (namespace, pool) (nmcp_pool_active) / max by (namespace, pool) (nmcp_pool_max_active)",
    "{{namespace}}/{{pool}}",
  ]]],
];

const SERVER: Spec[] = [
  ["Calls by tool", "reqps", [[
    `sum by (tool) (rate(nmcp_gateway_tool_calls_total{${SEL}}[${RATE}]))`,
    "{{tool}}",
  ]]],
  ["Errors by tool", "reqps", [[
    `sum by (tool) (rate(nmcp_gateway_tool_errors_total{${SEL}}[${RATE}]))`,
    "{{tool}}",
  ]]],
  [
    "Tool call latency",
    "s",
    [0.5, 0.95, 0.99].map((q) => [
      `histogram_quantile(${q}, sum by (le) (rate(nmcp_gateway_tool_call_duration_seconds_bucket{${SEL}}[${RATE}])))`,
      `p${q * 100}`,
    ]),
  ],
  ["HTTP latency", "s", [[
    `histogram_quantile(0.95, sum by (le, path) (rate(nmcp_gateway_http_request_duration_seconds_bucket{${SEL}}[${RATE}])))`,
    "p95 {{path}}",
  ]]],
  ["Wake times", "s", [
    [`max(nmcp_server_last_wake_seconds{${SEL}})`, "last wake"],
    [`max by (phase) (nmcp_server_phase{${SEL}}) == 1`, "phase {{phase}}"],
  ]],
  ["Sessions", "short", [
    [`max(nmcp_server_sessions{${SEL}})`, "sessions"],
    [`sum(nmcp_gateway_open_sessions{${SEL}})`, "gateway sessions"],
    [`sum(rate(nmcp_server_routed_requests_total{${SEL}}[${RATE}]))`, "routed requests/s"],
  ]],
];

function panels(specs: Spec[], top: number, firstId: number): Panel[] {
  return specs.map(([title, unit, queries], i) => ({
    id: firstId + i,
    type: "timeseries",
    title,
    datasource: DS,
    gridPos: { x: (i % 2) * 12, y: top + Math.floor(i / 2) * 8, w: 12, h: 8 },
    fieldConfig: { defaults: { unit } },
    targets: queries.map(([expr, legendFormat]) => ({ expr, legendFormat })),
  }));
}

const row = (id: number, title: string, y: number): Panel => ({
  id,
  type: "row",
  title,
  gridPos: { x: 0, y, w: 24, h: 1 },
});

function variable(name: string, query: string) {
  return {
    name,
    type: "query",
    datasource: DS,
    query: { query, refId: name },
    definition: query,
    refresh: 2,
    sort: 1,
  };
}

/** The dashboard JSON model. */
export function dashboard() {
  const serverTop = 1 + Math.ceil(FLEET.length / 2) * 8;
  return {
    uid: "nmcp-fleet",
    title: "nmcp: MCP servers",
    tags: ["nmcp", "mcp"],
    schemaVersion: 39,
    time: { from: "now-6h", to: "now" },
    refresh: "30s",
    templating: {
      list: [
        { name: "datasource", type: "datasource", query: "prometheus" },
        variable("namespace", "label_values(nmcp_server_info, namespace)"),
        variable("server", 'label_values(nmcp_server_info{namespace="$namespace"}, server)'),
      ],
    },
    panels: [
      row(1, "Fleet", 0),
      ...panels(FLEET, 1, 10),
      row(2, "Server $namespace/$server", serverTop),
      ...panels(SERVER, serverTop + 1, 30),
    ],
  };
}

/** Every PromQL expression of the dashboard (panel targets and variable queries). */
export function dashboardQueries(): string[] {
  const d = dashboard();
  const vars = d.templating.list.flatMap((v) => "definition" in v ? [v.definition] : []);
  return [...d.panels.flatMap((p) => p.targets?.map((t) => t.expr) ?? []), ...vars];
}
