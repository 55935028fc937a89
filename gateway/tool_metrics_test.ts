import assert from "node:assert/strict";
import { createLogger } from "../lib/log.ts";
import { FakeUpstream, open, peer, post } from "./_testing.ts";
import type { Message } from "./jsonrpc/message.ts";
import { GatewayMetrics, MAX_TOOLS } from "./metrics.ts";
import { createGateway } from "./server.ts";

/** Answers `boom` with a JSON-RPC error and `fails` with `isError`; the rest as the fake does. */
class FailingUpstream extends FakeUpstream {
  override send(msg: Message): boolean {
    const name = msg.method === "tools/call" ? msg.params?.name : undefined;
    if (name !== "boom" && name !== "fails") return super.send(msg);
    this.received.push(msg);
    const answer: Message = name === "boom"
      ? { jsonrpc: "2.0", id: msg.id, error: { code: -32000, message: "boom" } }
      : { jsonrpc: "2.0", id: msg.id, result: { content: [], isError: true } };
    queueMicrotask(() => this.events?.message(answer));
    return true;
  }
}

const log = createLogger({}, { write: () => {} });
const call = (id: number, name: string) => ({
  jsonrpc: "2.0",
  id,
  method: "tools/call",
  params: { name, arguments: {} },
});

Deno.test("the gateway counts tools/call per tool: calls, errors (error or isError), latency", async () => {
  const gw = createGateway({
    upstream: { kind: "stdio", command: ["unused"] },
    upstreamFactory: () => new FailingUpstream(),
    log,
  });
  try {
    assert.ok(await gw.whenReady(1000));
    const sid = await open(gw.handler);
    const h = { "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18" };
    const names = ["echo", "echo", "boom", "fails"];
    for (const [i, name] of names.entries()) {
      const res = await gw.handler(post(call(i + 1, name), h));
      assert.equal(res.status, 200);
      await res.text();
    }
    const res = await gw.handler(new Request("http://localhost/metrics"), peer("127.0.0.1"));
    const text = await res.text();
    assert.match(text, /^nmcp_gateway_tool_calls_total\{tool="echo"\} 2$/m);
    assert.match(text, /^nmcp_gateway_tool_errors_total\{tool="echo"\} 0$/m);
    assert.match(text, /^nmcp_gateway_tool_errors_total\{tool="boom"\} 1$/m);
    assert.match(text, /^nmcp_gateway_tool_errors_total\{tool="fails"\} 1$/m);
    assert.match(text, /^nmcp_gateway_tool_call_duration_seconds_count\{tool="echo"\} 2$/m);
    assert.match(
      text,
      /^nmcp_gateway_tool_call_duration_seconds_bucket\{tool="boom",le="\+Inf"\} 1$/m,
    );
  } finally {
    await gw.close();
  }
});

Deno.test("GatewayMetrics.observeTool() keeps MAX_TOOLS names, then counts as other", () => {
  const m = new GatewayMetrics();
  for (let i = 0; i < MAX_TOOLS + 5; i++) m.observeTool(`t${i}`, 0.01, false);
  m.observeTool({ not: "a name" }, 0.01, true);
  m.observeTool("x".repeat(500), 0.01, false);
  const text = m.render().text;
  const names = new Set(
    [...text.matchAll(/^nmcp_gateway_tool_calls_total\{tool="([^"]*)"\}/gm)].map((x) => x[1]),
  );
  assert.equal(names.size, MAX_TOOLS + 1);
  assert.match(text, /^nmcp_gateway_tool_calls_total\{tool="other"\} 7$/m);
  assert.match(text, /^nmcp_gateway_tool_errors_total\{tool="other"\} 1$/m);
});
