/**
 * The monitoring component's Kubernetes objects (prometheus-operator CRDs): PodMonitors for the
 * operator and for every MCP pod's gateway, a PrometheusRule, and the ServiceAccount whose token
 * Prometheus presents (the operator authorizes every scrape as its caller).
 *
 * Gateways accept only the operator, so their metrics are scraped through it:
 * `/api/v1/namespaces/{ns}/servers/{name}/metrics` (authorized as `get mcpservers/metrics`).
 *
 * @module
 */

const NS = "nmcp-system";
const TOKEN = { name: "nmcp-prometheus-token", key: "token" };
const AUTH = { type: "Bearer", credentials: TOKEN };
/** Where Prometheus reaches the operator (the base's Service). */
export const OPERATOR_ADDRESS = `nmcp-operator.${NS}.svc:80`;

/** Targets of the wake-latency and queue-wait alerts, in seconds. */
export const TARGETS = { wakeP95Seconds: 30, queueWaitP95Seconds: 60 } as const;

const operatorMonitor = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "PodMonitor",
  metadata: { name: "nmcp-operator", namespace: NS },
  spec: {
    selector: { matchLabels: { "app.kubernetes.io/name": "nmcp-operator" } },
    podMetricsEndpoints: [{
      port: "http",
      path: "/metrics",
      // The per-server series carry the server's namespace: it wins over the pod's.
      honorLabels: true,
      authorization: AUTH,
    }],
  },
};

const gatewayMonitor = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "PodMonitor",
  metadata: { name: "nmcp-gateways", namespace: NS },
  spec: {
    namespaceSelector: { any: true },
    selector: {
      matchLabels: {
        "app.kubernetes.io/managed-by": "nmcp-operator",
        "app.kubernetes.io/component": "mcp-server",
      },
    },
    podMetricsEndpoints: [{
      port: "mcp",
      authorization: AUTH,
      relabelings: [
        {
          sourceLabels: [
            "__meta_kubernetes_namespace",
            "__meta_kubernetes_pod_label_nmcp_nwrx_io_server",
          ],
          separator: "/",
          regex: "(.+)/(.+)",
          targetLabel: "__metrics_path__",
          replacement: "/api/v1/namespaces/$1/servers/$2/metrics",
        },
        { targetLabel: "__address__", replacement: OPERATOR_ADDRESS },
        { sourceLabels: ["__meta_kubernetes_pod_name"], targetLabel: "instance" },
        {
          sourceLabels: ["__meta_kubernetes_pod_label_nmcp_nwrx_io_server"],
          targetLabel: "server",
        },
        { sourceLabels: ["__meta_kubernetes_pod_label_nmcp_nwrx_io_pool"], targetLabel: "pool" },
      ],
    }],
  },
};

const rbac = [
  {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "nmcp-prometheus", namespace: NS },
  },
  {
    apiVersion: "v1",
    kind: "Secret",
    type: "kubernetes.io/service-account-token",
    metadata: {
      name: TOKEN.name,
      namespace: NS,
      annotations: { "kubernetes.io/service-account.name": "nmcp-prometheus" },
    },
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "nmcp-metrics-reader" },
    rules: [
      { nonResourceURLs: ["/metrics"], verbs: ["get"] },
      // The gateways' metrics through the operator; not the MCPServer objects themselves.
      { apiGroups: ["nmcp.nwrx.io"], resources: ["mcpservers/metrics"], verbs: ["get"] },
    ],
  },
  {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRoleBinding",
    metadata: { name: "nmcp-metrics-reader" },
    roleRef: {
      apiGroup: "rbac.authorization.k8s.io",
      kind: "ClusterRole",
      name: "nmcp-metrics-reader",
    },
    subjects: [{ kind: "ServiceAccount", name: "nmcp-prometheus", namespace: NS }],
  },
];

type Rule = { alert: string; expr: string; for: string; severity: string; summary: string };

const RULES: Rule[] = [
  {
    alert: "NmcpServerDegraded",
    expr: 'max by (namespace, server) (nmcp_server_phase{phase="Degraded"}) == 1',
    for: "5m",
    severity: "warning",
    summary:
      "MCPServer {{ $labels.namespace }}/{{ $labels.server }} is Degraded (crash loop or not ready)",
  },
  {
    alert: "NmcpServerFailed",
    expr: 'max by (namespace, server) (nmcp_server_phase{phase="Failed"}) == 1',
    for: "1m",
    severity: "warning",
    summary:
      "MCPServer {{ $labels.namespace }}/{{ $labels.server }} Failed (see kubectl nmcp describe)",
  },
  {
    alert: "NmcpWakeLatencyHigh",
    expr: "histogram_quantile(0.95, sum by (namespace, pool, le) " +
      `(rate(nmcp_server_wake_duration_seconds_bucket[15m]))) > ${TARGETS.wakeP95Seconds}`,
    for: "15m",
    severity: "warning",
    summary:
      `p95 wake of pool {{ $labels.namespace }}/{{ $labels.pool }} over ${TARGETS.wakeP95Seconds}s`,
  },
  {
    alert: "NmcpQueueWaitHigh",
    expr: "histogram_quantile(0.95, sum by (namespace, pool, le) " +
      `(rate(nmcp_server_queue_wait_seconds_bucket[15m]))) > ${TARGETS.queueWaitP95Seconds}`,
    for: "15m",
    severity: "warning",
    summary: `p95 wait for a slot in pool {{ $labels.namespace }}/{{ $labels.pool }} over ` +
      `${TARGETS.queueWaitP95Seconds}s (raise maxActive?)`,
  },
  {
    alert: "NmcpGatewayRestarts",
    expr:
      'max by (namespace, server) (increase(nmcp_server_restarts{container="nmcp-gateway"}[15m])) > 2',
    for: "0m",
    severity: "warning",
    summary:
      "The gateway of {{ $labels.namespace }}/{{ $labels.server }} restarted more than twice in 15m",
  },
  {
    alert: "NmcpRouterErrors",
    expr:
      'sum by (namespace, server) (rate(nmcp_server_routed_requests_total{code="5xx"}[10m])) / ' +
      "sum by (namespace, server) (rate(nmcp_server_routed_requests_total[10m])) > 0.1",
    for: "10m",
    severity: "warning",
    summary: "Over 10% of requests to {{ $labels.namespace }}/{{ $labels.server }} fail with 5xx",
  },
  {
    alert: "NmcpOperatorNotLeader",
    expr: "max(nmcp_leader) < 1 or absent(nmcp_leader)",
    for: "5m",
    severity: "critical",
    summary: "No nmcp operator replica leads: nothing reconciles MCPServers",
  },
];

const rule = {
  apiVersion: "monitoring.coreos.com/v1",
  kind: "PrometheusRule",
  metadata: { name: "nmcp", namespace: NS },
  spec: {
    groups: [{
      name: "nmcp",
      rules: RULES.map((r) => ({
        alert: r.alert,
        expr: r.expr,
        for: r.for,
        labels: { severity: r.severity },
        annotations: { summary: r.summary },
      })),
    }],
  },
};

/** The component's objects by file name. */
export function monitoringObjects(): Record<string, object[]> {
  return {
    "pod-monitors.yaml": [operatorMonitor, gatewayMonitor],
    "prometheus-rule.yaml": [rule],
    "rbac.yaml": rbac,
  };
}

/** Every PromQL expression of the rules. */
export function ruleQueries(): string[] {
  return RULES.map((r) => r.expr);
}
