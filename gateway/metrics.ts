/** Prometheus metrics of one gateway, in its own registry. */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

const KNOWN_METHODS = new Set([
  "initialize",
  "ping",
  "tools/list",
  "tools/call",
  "resources/list",
  "resources/read",
  "resources/templates/list",
  "resources/subscribe",
  "resources/unsubscribe",
  "prompts/list",
  "prompts/get",
  "completion/complete",
  "logging/setLevel",
  "server/discover",
  "response",
  "notifications/initialized",
  "notifications/cancelled",
  "notifications/progress",
  "notifications/roots/list_changed",
  "tasks/get",
  "tasks/list",
  "tasks/result",
  "tasks/cancel",
]);

/** The gateway's metrics. */
export class GatewayMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: "nmcp_gateway_http_requests_total",
    help: "HTTP requests by HTTP method, path and status",
    labelNames: ["method", "path", "status"] as const,
    registers: [this.registry],
  });
  readonly rpcRequests = new Counter({
    name: "nmcp_gateway_rpc_messages_total",
    help: "JSON-RPC messages from clients by method",
    labelNames: ["method"] as const,
    registers: [this.registry],
  });
  readonly latency = new Histogram({
    name: "nmcp_gateway_http_request_duration_seconds",
    help: "Time to response headers",
    labelNames: ["path"] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30],
    registers: [this.registry],
  });
  readonly openSessions = new Gauge({
    name: "nmcp_gateway_open_sessions",
    help: "Open client sessions",
    registers: [this.registry],
  });
  readonly restarts = new Counter({
    name: "nmcp_gateway_upstream_restarts_total",
    help: "Times the upstream went down and restarted",
    registers: [this.registry],
  });
  readonly bytes = new Counter({
    name: "nmcp_gateway_bytes_total",
    help: "Bytes of request bodies in and upstream messages in",
    labelNames: ["direction"] as const,
    registers: [this.registry],
  });

  /** Counts one JSON-RPC method (unknown methods are counted as `other`). */
  countMethod(method: string): void {
    this.rpcRequests.inc({ method: KNOWN_METHODS.has(method) ? method : "other" });
  }

  /** The Prometheus text exposition. */
  render(): Promise<string> {
    return this.registry.metrics();
  }
}
