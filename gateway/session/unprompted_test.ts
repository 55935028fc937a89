/**
 * Server requests without a related id over a real stdio server (`testdata/unprompted_server.ts`):
 * an unprompted one must not fail the stateless call that happens to be in flight (the flake
 * README listed: server-everything's `roots/list` after start failing a call with -32021), while
 * one the call really waits for still reaches its client (-32021 without the capability, an
 * InputRequiredResult with it).
 */
import assert from "node:assert/strict";
import { createLogger } from "../../lib/log.ts";
import { post } from "../_testing.ts";
import { createGateway } from "../server.ts";

const FIXTURE = new URL("./testdata/unprompted_server.ts", import.meta.url).pathname;
const log = createLogger({}, { write: () => {} });

async function started() {
  const command = [Deno.execPath(), "run", "--quiet", FIXTURE];
  const gw = createGateway({ upstream: { kind: "stdio", command }, log });
  assert.ok(await gw.whenReady(20_000), "the fixture server initializes");
  return gw;
}

/** A stateless 2026-07-28 `tools/call` of `name` with these client capabilities. */
function call(id: number, name: string, caps: Record<string, unknown>): Request {
  const meta = {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientCapabilities": caps,
  };
  const headers = {
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": "tools/call",
    "mcp-name": name,
  };
  const body = { jsonrpc: "2.0", id, method: "tools/call", params: { name, _meta: meta } };
  return post(body, headers);
}

Deno.test("gateway: an unprompted roots/list during a stateless call is refused upstream, the call answered", async () => {
  const gw = await started();
  try {
    for (let i = 1; i <= 10; i++) {
      const res = await gw.handler(call(i, "echo", {}));
      const body = await res.json();
      assert.equal(body.error, undefined, `call ${i}: ${JSON.stringify(body.error)}`);
      assert.equal(res.status, 200);
      assert.deepEqual(body.result.content, [{ type: "text", text: "echoed" }]);
    }
    const report = await (await gw.handler(call(11, "report", {}))).json();
    const answers: string[] = JSON.parse(report.result.content[0].text);
    assert.deepEqual(answers, Array.from({ length: 10 }, (_, i) => `r${i} -32603`));
  } finally {
    await gw.close();
  }
});

Deno.test("gateway: a roots/list the stateless call waits for still fails it with -32021 without roots", async () => {
  const gw = await started();
  try {
    const t0 = performance.now();
    const res = await gw.handler(call(1, "ask-roots", {}));
    const body = await res.json();
    assert.equal(res.status, 400);
    assert.equal(body.error.code, -32021);
    assert.deepEqual(body.error.data, { requiredCapabilities: { roots: {} } });
    assert.ok(performance.now() - t0 < 5000, "promptly");
  } finally {
    await gw.close();
  }
});

Deno.test("gateway: a roots/list the stateless call waits for becomes an InputRequiredResult with roots", async () => {
  const gw = await started();
  try {
    const res = await gw.handler(call(1, "ask-roots", { roots: {} }));
    const body = await res.json();
    assert.equal(body.result.resultType, "input_required");
    const [request] = Object.values(body.result.inputRequests) as { method: string }[];
    assert.equal(request.method, "roots/list");
  } finally {
    await gw.close();
  }
});
