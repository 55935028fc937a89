/**
 * Tracing for nmcp: OpenTelemetry spans exported over OTLP/HTTP, configured by the standard
 * `OTEL_*` variables. Off (null) unless an endpoint is set; the OpenTelemetry SDK is imported
 * only then, so a process without tracing never loads it. Callers hold a `Tracing | null` and
 * pay one branch per message when it is null.
 *
 * @module
 */
import { type Env, traceConfig } from "./config.ts";
import type { Attributes, Carrier } from "./mcp.ts";

export { type Env, flagEnv, type OtelFlags, sidecarEnv, traceConfig } from "./config.ts";
export type { TraceConfig } from "./config.ts";
export {
  type Attributes,
  type Carrier,
  headerCarrier,
  mcpSpanName,
  metaCarrier,
  requestAttributes,
  responseOutcome,
  type RpcMessage,
  type SessionInfo,
  withMetaCarrier,
} from "./mcp.ts";

/** The kind of a span (OpenTelemetry SpanKind). */
export type SpanKind = "server" | "client" | "internal";

/** One span in progress. */
export interface Span {
  setAttributes(attributes: Attributes): void;
  /** Marks the span failed with a description (status ERROR). */
  fail(message: string): void;
  /** Ends the span (later calls do nothing). */
  end(): void;
  /** The W3C trace context naming this span as parent (empty when not sampled). */
  carrier(): Carrier;
}

/** Options of {@linkcode Tracing.start}. */
export interface StartOptions {
  kind: SpanKind;
  /** The parent: a span of this process, or a remote context (headers, `_meta`). */
  parent?: Span | Carrier;
  attributes?: Attributes;
}

/** Starts spans and exports them. */
export interface Tracing {
  start(name: string, options: StartOptions): Span;
  /** Exports what is buffered. */
  flush(): Promise<void>;
  /** Exports what is buffered and stops. */
  shutdown(): Promise<void>;
}

/** The SDK module, relative to this one. */
const SDK = "./_sdk.ts";

/**
 * The tracing of a process whose environment is `env` (default service name `service`), or
 * null when tracing is off. Throws a TypeError on a malformed variable.
 */
export async function loadTracing(env: Env, service: string): Promise<Tracing | null> {
  const config = traceConfig(env, service);
  if (config === null) return null;
  // A computed specifier: Deno (and `deno bundle`) would load and parse a literal one at start-up
  // even with tracing off (measured: +5.5 MiB idle RSS in the gateway). Bundles and compiled
  // binaries carry `_sdk.ts` beside them (scripts/bundle.ts, `deno compile --include`).
  const sdk: typeof import("./_sdk.ts") = await import(new URL(SDK, import.meta.url).href);
  return sdk.createTracing(config);
}
