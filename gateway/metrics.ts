/**
 * Prometheus metrics of one gateway. The hot path bumps plain numbers; prom-client (own
 * Registry) is loaded on the first scrape only, because importing it costs ~20 MB of RSS.
 */
import type { Registry } from "prom-client";

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

/** Latency histogram bucket bounds in seconds. */
export const BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30];

interface Histo {
  counts: number[];
  sum: number;
  count: number;
}

const SEP = "\u0000";

/** The gateway's metrics. */
export class GatewayMetrics {
  #http = new Map<string, number>();
  #rpc = new Map<string, number>();
  #latency = new Map<string, Histo>();
  #bytes = new Map<string, number>();
  #restarts = 0;
  #registry: Promise<Registry> | null = null;
  /** Reads the number of open sessions at scrape time. */
  openSessions: () => number = () => 0;

  /** Counts one HTTP request. */
  countHttp(method: string, path: string, status: number): void {
    const key = `${method}${SEP}${path}${SEP}${status}`;
    this.#http.set(key, (this.#http.get(key) ?? 0) + 1);
  }

  /** Records one request's time to response headers. */
  observe(path: string, seconds: number): void {
    let h = this.#latency.get(path);
    if (!h) this.#latency.set(path, h = { counts: BUCKETS.map(() => 0), sum: 0, count: 0 });
    for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) h.counts[i]++;
    h.sum += seconds;
    h.count++;
  }

  /** Counts one JSON-RPC method (unknown methods are counted as `other`). */
  countMethod(method: string): void {
    const m = KNOWN_METHODS.has(method) ? method : "other";
    this.#rpc.set(m, (this.#rpc.get(m) ?? 0) + 1);
  }

  /** Adds bytes in a direction (`client_in`, `upstream_in`). */
  addBytes(direction: string, n: number): void {
    this.#bytes.set(direction, (this.#bytes.get(direction) ?? 0) + n);
  }

  /** Counts one upstream restart. */
  countRestart(): void {
    this.#restarts++;
  }

  /** The Prometheus text exposition and its content type. */
  async render(): Promise<{ text: string; contentType: string }> {
    const registry = await (this.#registry ??= this.#build());
    return { text: await registry.metrics(), contentType: registry.contentType };
  }

  async #build(): Promise<Registry> {
    const prom = await import("prom-client");
    const registry = new prom.Registry();
    const registers = [registry];
    const fromMap =
      (map: Map<string, number>, names: string[]) =>
      (set: (l: Record<string, string>, v: number) => void) => {
        for (const [key, v] of map) {
          const parts = key.split(SEP);
          set(Object.fromEntries(names.map((n, i) => [n, parts[i]])), v);
        }
      };
    const counter = (
      name: string,
      help: string,
      labelNames: string[],
      fill: ReturnType<typeof fromMap>,
    ) =>
      new prom.Counter({
        name,
        help,
        labelNames,
        registers,
        collect() {
          this.reset();
          fill((labels, v) => this.inc(labels, v));
        },
      });
    counter("nmcp_gateway_http_requests_total", "HTTP requests by HTTP method, path and status", [
      "method",
      "path",
      "status",
    ], fromMap(this.#http, ["method", "path", "status"]));
    counter("nmcp_gateway_rpc_messages_total", "JSON-RPC messages from clients by method", [
      "method",
    ], fromMap(this.#rpc, ["method"]));
    counter(
      "nmcp_gateway_bytes_total",
      "Bytes from clients and from the upstream",
      ["direction"],
      fromMap(this.#bytes, ["direction"]),
    );
    counter(
      "nmcp_gateway_upstream_restarts_total",
      "Times the upstream went down and restarted",
      [],
      (set) => set({}, this.#restarts),
    );
    const sessions = this.openSessions;
    new prom.Gauge({
      name: "nmcp_gateway_open_sessions",
      help: "Open client sessions",
      registers,
      collect() {
        this.set(sessions());
      },
    });
    registry.registerMetric(
      this.#histogram() as unknown as Parameters<Registry["registerMetric"]>[0],
    );
    return registry;
  }

  #histogram() {
    const name = "nmcp_gateway_http_request_duration_seconds";
    const help = "Time to response headers";
    const get = () => {
      const values: {
        labels: Record<string, string | number>;
        value: number;
        metricName: string;
      }[] = [];
      for (const [path, h] of this.#latency) {
        BUCKETS.forEach((le, i) =>
          values.push({ labels: { path, le }, value: h.counts[i], metricName: `${name}_bucket` })
        );
        values.push({ labels: { path, le: "+Inf" }, value: h.count, metricName: `${name}_bucket` });
        values.push({ labels: { path }, value: h.sum, metricName: `${name}_sum` });
        values.push({ labels: { path }, value: h.count, metricName: `${name}_count` });
      }
      return { name, help, type: "histogram", aggregator: "sum", values };
    };
    return { name, help, type: "histogram", aggregator: "sum", get, reset: () => {} };
  }
}
