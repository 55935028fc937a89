import assert from "node:assert/strict";
import { startOtlpReceiver } from "../../tests/fixtures/otlp_receiver.ts";
import { loadTracing } from "./mod.ts";

const TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

Deno.test("loadTracing() is null (tracing off) without an endpoint", async () => {
  assert.equal(await loadTracing({}, "svc"), null);
});

Deno.test("loadTracing() continues a remote parent, links children, exports OTLP/HTTP JSON", async () => {
  const receiver = startOtlpReceiver();
  try {
    const tracing = await loadTracing({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_EXPORTER_OTLP_HEADERS: "x-test=1",
    }, "svc");
    assert.ok(tracing);
    const server = tracing.start("tools/call echo", {
      kind: "server",
      parent: { traceparent: TP, tracestate: "k=v" },
      attributes: { "mcp.method.name": "tools/call" },
    });
    const client = tracing.start("tools/call echo", { kind: "client", parent: server });
    const carrier = client.carrier();
    client.fail("tool_error");
    client.end();
    client.end();
    server.end();
    await tracing.shutdown();
    assert.match(
      carrier.traceparent ?? "",
      /^00-4bf92f3577b34da6a3ce929d0e0e4736-[0-9a-f]{16}-01$/,
    );
    assert.equal(carrier.tracestate, "k=v");
    assert.equal(receiver.spans.length, 2, "each span exported once");
    const s = receiver.spans.find((s) => s.kind === 2)!;
    const c = receiver.spans.find((s) => s.kind === 3)!;
    assert.equal(s.service, "svc");
    assert.equal(s.traceId, "4bf92f3577b34da6a3ce929d0e0e4736");
    assert.equal(s.parentSpanId, "00f067aa0ba902b7");
    assert.equal(s.attributes["mcp.method.name"], "tools/call");
    assert.equal(c.parentSpanId, s.spanId);
    assert.equal(carrier.traceparent?.slice(36, 52), c.spanId);
    assert.deepEqual(c.status, { code: 2, message: "tool_error" });
  } finally {
    await receiver.close();
  }
});

Deno.test("loadTracing() with always_off samples nothing but still propagates the context", async () => {
  const receiver = startOtlpReceiver();
  try {
    const tracing = await loadTracing({
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      OTEL_TRACES_SAMPLER: "always_off",
    }, "svc");
    const span = tracing!.start("x", { kind: "server", parent: { traceparent: TP } });
    assert.match(span.carrier().traceparent ?? "", /^00-4bf92f3577b34da6a3ce929d0e0e4736-.*-00$/);
    span.end();
    await tracing!.shutdown();
    assert.equal(receiver.spans.length, 0);
  } finally {
    await receiver.close();
  }
});
