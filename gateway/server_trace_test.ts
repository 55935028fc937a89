import assert from "node:assert/strict";
import { startOtlpReceiver } from "../tests/fixtures/otlp_receiver.ts";
import { loadTracing } from "../lib/trace/mod.ts";
import { compileToolPolicy } from "../lib/tool_policy/mod.ts";
import { open, post, start } from "./_testing.ts";

const TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
const TP = `00-${TRACE}-00f067aa0ba902b7-01`;

Deno.test("gateway traces each request: SERVER span under the HTTP traceparent, CLIENT span upstream, context in _meta", async () => {
  const receiver = startOtlpReceiver();
  const tracing = await loadTracing({ OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url }, "nmcp-gateway");
  const policy = compileToolPolicy({ deny: ["delete"] });
  assert.ok(policy.ok);
  const { gw, fake } = await start({ tracing, toolPolicy: policy.policy });
  try {
    const sid = await open(gw.handler);
    const call = {
      jsonrpc: "2.0",
      id: 7,
      method: "tools/call",
      params: { name: "echo", arguments: { a: 1 }, _meta: { progressToken: "p" } },
    };
    const res = await gw.handler(post(call, { "mcp-session-id": sid, traceparent: TP }));
    assert.equal(res.status, 200);
    assert.deepEqual((await res.json()).id, 7);
    const bad = { jsonrpc: "2.0", id: 8, method: "tools/call", params: { name: "delete" } };
    await (await gw.handler(post(bad, { "mcp-session-id": sid }))).body?.cancel();
    await tracing!.flush();

    const up = fake.received.find((m) => m.method === "tools/call")!;
    const meta = up.params?._meta as Record<string, unknown>;
    assert.equal(meta.progressToken !== undefined, true, "other _meta keys kept");
    const [server, client] = [2, 3].map((kind) =>
      receiver.spans.find((s) => s.kind === kind && s.name === "tools/call echo")!
    );
    assert.equal(server.traceId, TRACE);
    assert.equal(server.parentSpanId, "00f067aa0ba902b7", "continues the HTTP request's trace");
    assert.equal(client.parentSpanId, server.spanId);
    assert.equal(meta.traceparent, `00-${TRACE}-${client.spanId}-01`, "the server's parent");
    assert.deepEqual(
      {
        method: server.attributes["mcp.method.name"],
        tool: server.attributes["gen_ai.tool.name"],
        id: server.attributes["jsonrpc.request.id"],
        session: server.attributes["mcp.session.id"],
        version: server.attributes["mcp.protocol.version"],
        upstream: client.attributes["network.transport"],
      },
      {
        method: "tools/call",
        tool: "echo",
        id: "7",
        session: sid.slice(0, 16),
        version: "2025-06-18",
        upstream: "pipe",
      },
    );
    const failed = receiver.spans.find((s) => s.kind === 2 && s.name === "tools/call delete");
    assert.ok(failed, "a request without HTTP context starts its own trace");
    assert.notEqual(failed.traceId, TRACE);
    assert.equal(failed.attributes["error.type"], "-32602", "refused by the tool policy");
    assert.equal(failed.attributes["rpc.response.status_code"], "-32602");
    assert.equal(failed.status.code, 2);
    assert.equal(receiver.spans.filter((s) => s.name === "initialize").length, 0);
  } finally {
    await gw.close();
    await tracing!.shutdown();
    await receiver.close();
  }
});

Deno.test("gateway without tracing sends messages upstream untouched", async () => {
  const { gw, fake } = await start();
  try {
    const sid = await open(gw.handler);
    const call = { jsonrpc: "2.0", id: 1, method: "tools/call", params: { name: "echo" } };
    await (await gw.handler(post(call, { "mcp-session-id": sid, traceparent: TP }))).json();
    const up = fake.received.find((m) => m.method === "tools/call")!;
    assert.equal(up.params?._meta, undefined);
  } finally {
    await gw.close();
  }
});
