/** Prometheus metrics of one gateway: the hot path bumps plain numbers, a scrape renders them. */
import {
  CONTENT_TYPE,
  type Family,
  type HistogramData,
  histogramSamples,
  renderFamilies,
  type Sample,
} from "./prom_text.ts";

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

const SEP = "\u0000";

/** Most tool names with their own series; further names (and overlong ones) count as `other`. */
export const MAX_TOOLS = 64;
const MAX_TOOL_NAME = 128;

/** Calls, errors and latency of one tool. */
interface ToolStats {
  calls: number;
  errors: number;
  latency: HistogramData;
}

const emptyHistogram = (): HistogramData => ({ counts: BUCKETS.map(() => 0), sum: 0, count: 0 });

function addTo(h: HistogramData, seconds: number): void {
  for (let i = 0; i < BUCKETS.length; i++) if (seconds <= BUCKETS[i]) h.counts[i]++;
  h.sum += seconds;
  h.count++;
}

/** The gateway's metrics. */
export class GatewayMetrics {
  #http = new Map<string, number>();
  #rpc = new Map<string, number>();
  #latency = new Map<string, HistogramData>();
  #bytes = new Map<string, number>();
  #restarts = 0;
  #tools = new Map<string, ToolStats>();
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
    if (!h) this.#latency.set(path, h = emptyHistogram());
    addTo(h, seconds);
  }

  /** Records one answered `tools/call`: its tool, time to the answer, and whether it failed. */
  observeTool(tool: unknown, seconds: number, error: boolean): void {
    let name = typeof tool === "string" && tool.length <= MAX_TOOL_NAME ? tool : "other";
    if (!this.#tools.has(name) && this.#tools.size >= MAX_TOOLS) name = "other";
    let t = this.#tools.get(name);
    if (!t) this.#tools.set(name, t = { calls: 0, errors: 0, latency: emptyHistogram() });
    t.calls++;
    if (error) t.errors++;
    addTo(t.latency, seconds);
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
  render(): { text: string; contentType: string } {
    const labelled = (map: Map<string, number>, names: string[]): Sample[] =>
      [...map].map(([key, value]) => {
        const parts = key.split(SEP);
        return { labels: Object.fromEntries(names.map((n, i) => [n, parts[i]])), value };
      });
    const latency = [...this.#latency].flatMap(([path, h]) =>
      histogramSamples(BUCKETS, h, { path })
    );
    const families: Family[] = [
      {
        name: "nmcp_gateway_http_requests_total",
        help: "HTTP requests by HTTP method, path and status",
        type: "counter",
        samples: labelled(this.#http, ["method", "path", "status"]),
      },
      {
        name: "nmcp_gateway_rpc_messages_total",
        help: "JSON-RPC messages from clients by method",
        type: "counter",
        samples: labelled(this.#rpc, ["method"]),
      },
      {
        name: "nmcp_gateway_bytes_total",
        help: "Bytes from clients and from the upstream",
        type: "counter",
        samples: labelled(this.#bytes, ["direction"]),
      },
      {
        name: "nmcp_gateway_upstream_restarts_total",
        help: "Times the upstream went down and restarted",
        type: "counter",
        samples: [{ value: this.#restarts }],
      },
      {
        name: "nmcp_gateway_open_sessions",
        help: "Open client sessions",
        type: "gauge",
        samples: [{ value: this.openSessions() }],
      },
      {
        name: "nmcp_gateway_http_request_duration_seconds",
        help: "Time to response headers",
        type: "histogram",
        samples: latency,
      },
    ];
    return {
      text: renderFamilies([...families, ...this.#toolFamilies()]),
      contentType: CONTENT_TYPE,
    };
  }

  #toolFamilies(): Family[] {
    const tools = [...this.#tools];
    const per = (f: (t: ToolStats) => number) =>
      tools.map(([tool, t]) => ({ labels: { tool }, value: f(t) }));
    return [
      {
        name: "nmcp_gateway_tool_calls_total",
        help: `Answered tools/call requests by tool (at most ${MAX_TOOLS} names, then "other")`,
        type: "counter",
        samples: per((t) => t.calls),
      },
      {
        name: "nmcp_gateway_tool_errors_total",
        help: "tools/call answered with a JSON-RPC error or isError, by tool",
        type: "counter",
        samples: per((t) => t.errors),
      },
      {
        name: "nmcp_gateway_tool_call_duration_seconds",
        help: "Time from a tools/call to its answer, by tool",
        type: "histogram",
        samples: tools.flatMap(([tool, t]) => histogramSamples(BUCKETS, t.latency, { tool })),
      },
    ];
  }
}
