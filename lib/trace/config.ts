/**
 * Tracing configuration from the standard OpenTelemetry environment variables (pure): which
 * OTLP/HTTP endpoint, headers, service name and sampler; and the variables the operator sets
 * on the gateway sidecars it builds.
 */

/** An environment: variable name → value. */
export type Env = Readonly<Record<string, string | undefined>>;

/** Which spans are kept: always, never, or a ratio of trace ids; `parentBased` follows the parent. */
export interface SamplerConfig {
  kind: "always_on" | "always_off" | "traceidratio";
  parentBased: boolean;
  /** The ratio of `traceidratio` (0…1). */
  ratio: number;
}

/** Where and how spans are exported. */
export interface TraceConfig {
  /** The OTLP/HTTP traces URL (`…/v1/traces`). */
  url: string;
  headers: Record<string, string>;
  serviceName: string;
  sampler: SamplerConfig;
  /** Batch delay in ms (`OTEL_BSP_SCHEDULE_DELAY`); default the SDK's (5 s). */
  scheduledDelayMs?: number;
}

const SAMPLERS: Record<string, Omit<SamplerConfig, "ratio">> = {
  always_on: { kind: "always_on", parentBased: false },
  always_off: { kind: "always_off", parentBased: false },
  traceidratio: { kind: "traceidratio", parentBased: false },
  parentbased_always_on: { kind: "always_on", parentBased: true },
  parentbased_always_off: { kind: "always_off", parentBased: true },
  parentbased_traceidratio: { kind: "traceidratio", parentBased: true },
};

function httpUrl(name: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`Cannot use ${name} "${value}": not a URL`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new TypeError(`Cannot use ${name} "${value}": expected an http or https URL`);
  }
  return url.href;
}

/** Parses `key=value,key2=value2` (values URL-encoded), as `OTEL_EXPORTER_OTLP_HEADERS`. */
export function parseHeaders(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (text ?? "").split(",")) {
    const eq = part.indexOf("=");
    if (eq <= 0) continue;
    out[decodeURIComponent(part.slice(0, eq).trim())] = decodeURIComponent(
      part.slice(eq + 1).trim(),
    );
  }
  return out;
}

/** Parses `OTEL_TRACES_SAMPLER` and `_ARG`; default `parentbased_always_on`. */
export function parseSampler(name: string | undefined, arg: string | undefined): SamplerConfig {
  const key = (name ?? "parentbased_always_on").trim().toLowerCase();
  const base = SAMPLERS[key];
  if (!base) throw new TypeError(`Cannot use OTEL_TRACES_SAMPLER "${name}": unknown sampler`);
  const ratio = arg === undefined || arg === "" ? 1 : Number(arg);
  if (!Number.isFinite(ratio) || ratio < 0 || ratio > 1) {
    throw new TypeError(`Cannot use OTEL_TRACES_SAMPLER_ARG "${arg}": expected a ratio 0…1`);
  }
  return { ...base, ratio };
}

/**
 * The tracing configuration of `env`, or null when tracing is off: no endpoint, or
 * `OTEL_SDK_DISABLED=true`, or `OTEL_TRACES_EXPORTER=none`.
 */
export function traceConfig(env: Env, defaultService: string): TraceConfig | null {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === "true") return null;
  if (env.OTEL_TRACES_EXPORTER?.trim().toLowerCase() === "none") return null;
  const traces = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  let url: string;
  if (traces) url = httpUrl("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", traces);
  else if (base) {
    url = `${httpUrl("OTEL_EXPORTER_OTLP_ENDPOINT", base).replace(/\/$/, "")}/v1/traces`;
  } else return null;
  const delay = Number(env.OTEL_BSP_SCHEDULE_DELAY);
  return {
    url,
    headers: {
      ...parseHeaders(env.OTEL_EXPORTER_OTLP_HEADERS),
      ...parseHeaders(env.OTEL_EXPORTER_OTLP_TRACES_HEADERS),
    },
    serviceName: env.OTEL_SERVICE_NAME?.trim() || defaultService,
    sampler: parseSampler(env.OTEL_TRACES_SAMPLER, env.OTEL_TRACES_SAMPLER_ARG),
    ...(delay > 0 ? { scheduledDelayMs: delay } : {}),
  };
}

/** The operator's tracing flags. */
export interface OtelFlags {
  /** `--otel-endpoint`: the OTLP/HTTP base URL (`/v1/traces` is appended). */
  endpoint?: string;
  /** `--otel-sampler-ratio`: keep this share of new traces (parent-based). */
  samplerRatio?: number;
}

/** The variables the flags stand for; they override the process's own. */
export function flagEnv(flags: OtelFlags): Record<string, string> {
  const out: Record<string, string> = {};
  if (flags.endpoint) out.OTEL_EXPORTER_OTLP_ENDPOINT = flags.endpoint;
  if (flags.samplerRatio !== undefined) {
    out.OTEL_TRACES_SAMPLER = "parentbased_traceidratio";
    out.OTEL_TRACES_SAMPLER_ARG = String(flags.samplerRatio);
  }
  return out;
}

/**
 * The environment of a gateway sidecar exporting like `config` (none when tracing is off).
 * Headers stay out: they may carry credentials, and pod specs are readable.
 */
export function sidecarEnv(config: TraceConfig | null): { name: string; value: string }[] {
  if (config === null) return [];
  const { kind, parentBased, ratio } = config.sampler;
  const sampler = `${parentBased ? "parentbased_" : ""}${kind}`;
  return [
    { name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", value: config.url },
    { name: "OTEL_SERVICE_NAME", value: "nmcp-gateway" },
    { name: "OTEL_TRACES_SAMPLER", value: sampler },
    ...(kind === "traceidratio" ? [{ name: "OTEL_TRACES_SAMPLER_ARG", value: String(ratio) }] : []),
  ];
}
