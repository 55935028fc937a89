/** The OpenTelemetry SDK behind {@linkcode Tracing}; imported by `loadTracing()` only when on. */
import {
  type Context,
  ROOT_CONTEXT,
  type Span as OtelSpan,
  SpanKind,
  SpanStatusCode,
  type TextMapGetter,
  type TextMapSetter,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import { W3CTraceContextPropagator } from "@opentelemetry/core";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  BatchSpanProcessor,
  ParentBasedSampler,
  type Sampler,
  TraceIdRatioBasedSampler,
  TracerProvider,
} from "@opentelemetry/sdk-trace";
import type { SamplerConfig, TraceConfig } from "./config.ts";
import type { Carrier } from "./mcp.ts";
import type { Span, SpanKind as Kind, StartOptions, Tracing } from "./mod.ts";
import { RELEASE } from "../version.ts";

const KINDS: Record<Kind, SpanKind> = {
  server: SpanKind.SERVER,
  client: SpanKind.CLIENT,
  internal: SpanKind.INTERNAL,
};

const propagator = new W3CTraceContextPropagator();
const getter: TextMapGetter<Carrier> = {
  keys: (c) => Object.keys(c),
  get: (c, key) =>
    key === "traceparent" ? c.traceparent : key === "tracestate" ? c.tracestate : undefined,
};
const setter: TextMapSetter<Carrier> = {
  set: (c, key, value) => {
    if (key === "traceparent") c.traceparent = value;
    else if (key === "tracestate") c.tracestate = value;
  },
};

class SdkSpan implements Span {
  readonly context: Context;
  #span: OtelSpan;
  #ended = false;

  constructor(span: OtelSpan) {
    this.#span = span;
    this.context = trace.setSpan(ROOT_CONTEXT, span);
  }

  setAttributes(attributes: Record<string, string | number | boolean>): void {
    this.#span.setAttributes(attributes);
  }

  fail(message: string): void {
    this.#span.setStatus({ code: SpanStatusCode.ERROR, message });
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#span.end();
  }

  carrier(): Carrier {
    const c: Carrier = {};
    propagator.inject(this.context, c, setter);
    return c;
  }
}

/** The SDK sampler of a configuration. */
export function samplerOf(config: SamplerConfig): Sampler {
  const root = config.kind === "always_on"
    ? new AlwaysOnSampler()
    : config.kind === "always_off"
    ? new AlwaysOffSampler()
    : new TraceIdRatioBasedSampler(config.ratio);
  return config.parentBased ? new ParentBasedSampler({ root }) : root;
}

function parentContext(parent: StartOptions["parent"]): Context {
  if (parent === undefined) return ROOT_CONTEXT;
  if (parent instanceof SdkSpan) return parent.context;
  return propagator.extract(ROOT_CONTEXT, parent as Carrier, getter);
}

class SdkTracing implements Tracing {
  #provider: TracerProvider;
  #tracer: Tracer;

  constructor(config: TraceConfig) {
    const exporter = new OTLPTraceExporter({ url: config.url, headers: config.headers });
    this.#provider = new TracerProvider({
      resource: resourceFromAttributes({ "service.name": config.serviceName }),
      sampler: samplerOf(config.sampler),
      spanProcessors: [
        new BatchSpanProcessor({ exporter, scheduledDelayMillis: config.scheduledDelayMs }),
      ],
    });
    this.#tracer = this.#provider.getTracer("nmcp", RELEASE);
  }

  start(name: string, options: StartOptions): Span {
    const span = this.#tracer.startSpan(
      name,
      { kind: KINDS[options.kind], attributes: options.attributes },
      parentContext(options.parent),
    );
    return new SdkSpan(span);
  }

  flush(): Promise<void> {
    return this.#provider.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.#provider.shutdown();
  }
}

/** Creates the SDK-backed tracing of a configuration. */
export function createTracing(config: TraceConfig): Tracing {
  return new SdkTracing(config);
}
