import assert from "node:assert/strict";
import { flagEnv, parseHeaders, parseSampler, sidecarEnv, traceConfig } from "./config.ts";

Deno.test("traceConfig() is null (tracing off) without an endpoint, or when disabled", () => {
  assert.equal(traceConfig({}, "svc"), null);
  const on = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318" };
  assert.equal(traceConfig({ ...on, OTEL_SDK_DISABLED: "true" }, "svc"), null);
  assert.equal(traceConfig({ ...on, OTEL_TRACES_EXPORTER: "none" }, "svc"), null);
});

Deno.test("traceConfig() appends /v1/traces to the base endpoint; the traces endpoint wins as is", () => {
  const base = traceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318/" }, "svc");
  assert.equal(base?.url, "http://c:4318/v1/traces");
  const both = traceConfig({
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://t:1/custom",
  }, "svc");
  assert.equal(both?.url, "https://t:1/custom");
});

Deno.test("traceConfig() reads headers, service name, sampler and batch delay", () => {
  const c = traceConfig({
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318",
    OTEL_EXPORTER_OTLP_HEADERS: "a=1, b=x%3Dy",
    OTEL_EXPORTER_OTLP_TRACES_HEADERS: "a=2",
    OTEL_SERVICE_NAME: "mine",
    OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
    OTEL_TRACES_SAMPLER_ARG: "0.25",
    OTEL_BSP_SCHEDULE_DELAY: "200",
  }, "svc");
  assert.deepEqual(c, {
    url: "http://c:4318/v1/traces",
    headers: { a: "2", b: "x=y" },
    serviceName: "mine",
    sampler: { kind: "traceidratio", parentBased: true, ratio: 0.25 },
    scheduledDelayMs: 200,
  });
  assert.equal(traceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://c" }, "svc")?.serviceName, "svc");
});

Deno.test("traceConfig() refuses malformed endpoints and samplers", () => {
  assert.throws(
    () => traceConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "c:4318" }, "s"),
    /Cannot use OTEL_EXPORTER_OTLP_ENDPOINT "c:4318": expected an http or https URL/,
  );
  assert.throws(() => parseSampler("sometimes", undefined), /unknown sampler/);
  assert.throws(() => parseSampler("traceidratio", "2"), /expected a ratio/);
  assert.deepEqual(parseSampler(undefined, undefined), {
    kind: "always_on",
    parentBased: true,
    ratio: 1,
  });
  assert.deepEqual(parseHeaders("novalue,=x,k=v"), { k: "v" });
});

Deno.test("flagEnv() and sidecarEnv(): the operator's flags become the sidecars' variables", () => {
  const env = flagEnv({ endpoint: "http://collector:4318", samplerRatio: 0.1 });
  assert.deepEqual(env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318",
    OTEL_TRACES_SAMPLER: "parentbased_traceidratio",
    OTEL_TRACES_SAMPLER_ARG: "0.1",
  });
  const withSecret = { ...env, OTEL_EXPORTER_OTLP_HEADERS: "authorization=Bearer%20x" };
  assert.deepEqual(sidecarEnv(traceConfig(withSecret, "nmcp-operator")), [
    { name: "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", value: "http://collector:4318/v1/traces" },
    { name: "OTEL_SERVICE_NAME", value: "nmcp-gateway" },
    { name: "OTEL_TRACES_SAMPLER", value: "parentbased_traceidratio" },
    { name: "OTEL_TRACES_SAMPLER_ARG", value: "0.1" },
  ], "headers (credentials) never go into pod specs");
  assert.deepEqual(sidecarEnv(null), []);
  assert.deepEqual(flagEnv({}), {});
});
