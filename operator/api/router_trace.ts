/**
 * The router's spans (only when tracing is on): a SERVER span per routed request, continuing
 * the caller's `traceparent`, with an `nmcp.wake` child while the server is woken and, under
 * it, one span per stage of the wait: `nmcp.wake.queue` (queued behind pool X at position N)
 * and `nmcp.wake.pod_start` (pod starting).
 */
import type { MCPServer } from "../../lib/api/mod.ts";
import { CONDITIONS } from "../../lib/api/constants.ts";
import { type Attributes, headerCarrier, type Span, type Tracing } from "../../lib/trace/mod.ts";
import type { Reachable } from "./ready.ts";

/** What a wake follows: the servers as cached, and a change signal (the operator's `Cache`). */
export interface ServerWatch {
  servers: { store: { get(key: string): MCPServer | undefined } };
  /** Calls `fn` after every change; returns the unsubscribe function. */
  subscribe(fn: () => void): () => void;
}

/** Where a woken server stands: queued for a pool slot, starting its pod, or asked for. */
export type WakeStage =
  | { stage: "queued"; pool: string; position?: number; message: string }
  | { stage: "starting"; pod?: string }
  | { stage: "requested" };

/** The wake stage a server's status shows (pure). */
export function wakeStage(server: MCPServer): WakeStage {
  const st = server.status;
  const queued = st?.conditions?.find((c) => c.type === CONDITIONS.queued && c.status === "True");
  if (queued) {
    const ahead = /\b(\d+) ahead\b/.exec(queued.message ?? "");
    return {
      stage: "queued",
      pool: server.spec.pool ?? "",
      ...(ahead ? { position: Number(ahead[1]) } : {}),
      message: queued.message ?? "",
    };
  }
  if (st?.phase === "Starting" || st?.phase === "Ready" || st?.podName) {
    return st?.podName ? { stage: "starting", pod: st.podName } : { stage: "starting" };
  }
  return { stage: "requested" };
}

/** The span name and attributes of a wake stage (none for "requested"). */
export function stageSpan(stage: WakeStage): { name: string; attributes: Attributes } | null {
  if (stage.stage === "queued") {
    const attributes: Attributes = {
      "nmcp.wake.reason": "queued",
      "nmcp.pool.name": stage.pool,
      "nmcp.queue.message": stage.message,
    };
    if (stage.position !== undefined) attributes["nmcp.queue.position"] = stage.position;
    return { name: "nmcp.wake.queue", attributes };
  }
  if (stage.stage === "starting") {
    const attributes: Attributes = { "nmcp.wake.reason": "pod starting" };
    if (stage.pod) attributes["k8s.pod.name"] = stage.pod;
    return { name: "nmcp.wake.pod_start", attributes };
  }
  return null;
}

/** The spans of one wake; follows the server in the cache until {@linkcode WakeTrace.end}. */
export class WakeTrace {
  #tracing: Tracing;
  #span: Span;
  #stage: Span | null = null;
  #name = "";
  #unsubscribe: () => void;

  constructor(tracing: Tracing, parent: Span, cache: ServerWatch, key: string) {
    this.#tracing = tracing;
    const [namespace, name] = key.split("/");
    this.#span = tracing.start("nmcp.wake", {
      kind: "internal",
      parent,
      attributes: { "k8s.namespace.name": namespace, "nmcp.server.name": name },
    });
    const check = () => {
      const s = cache.servers.store.get(key);
      if (s) this.#observe(wakeStage(s));
    };
    this.#unsubscribe = cache.subscribe(check);
    check();
  }

  #observe(stage: WakeStage): void {
    const next = stageSpan(stage);
    if (next === null || next.name === this.#name) return;
    this.#stage?.end();
    this.#name = next.name;
    this.#span.setAttributes({ "nmcp.wake.reason": next.attributes["nmcp.wake.reason"] });
    this.#stage = this.#tracing.start(next.name, {
      kind: "internal",
      parent: this.#span,
      attributes: next.attributes,
    });
  }

  /** Ends the wake with what the wait gave (undefined: timed out or aborted). */
  end(target: Reachable | undefined): void {
    this.#unsubscribe();
    const error = target === undefined
      ? "not ready in time"
      : "failed" in target
      ? target.failed
      : null;
    for (const span of [this.#stage, this.#span]) {
      if (span === null) continue;
      if (error !== null) span.fail(error);
      span.end();
    }
  }
}

/** Runs `serve` under a SERVER span of the routed request; the response status ends it. */
export async function traceRoute(
  tracing: Tracing,
  req: Request,
  serve: (span: Span) => Promise<Response>,
): Promise<Response> {
  const url = new URL(req.url);
  const route = url.pathname.replace(/^\/servers\/[^/]+\/[^/]+/, "/servers/{namespace}/{name}")
    .replace(/^\/api\/v1\/servers\/[^/]+/, "/api/v1/servers/{name}");
  const span = tracing.start(`${req.method} ${route}`, {
    kind: "server",
    parent: headerCarrier(req.headers),
    attributes: {
      "http.request.method": req.method,
      "url.path": url.pathname,
      "http.route": route,
    },
  });
  const sid = req.headers.get("mcp-session-id");
  if (sid) span.setAttributes({ "mcp.session.id": sid.slice(0, 16) });
  try {
    const res = await serve(span);
    span.setAttributes({ "http.response.status_code": res.status });
    if (res.status >= 500) span.fail(`HTTP ${res.status}`);
    return res;
  } catch (err) {
    span.fail(String(err));
    throw err;
  } finally {
    span.end();
  }
}
