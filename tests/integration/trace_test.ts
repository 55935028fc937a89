/**
 * Tracing end to end: a harness cluster, an operator with `--otel-endpoint` pointing at a real
 * OTLP/HTTP receiver, and an SDK client calling a tool of an Idle server through the router.
 * One trace must cover router → wake → gateway → upstream, and the server must see it in
 * `params._meta`.
 */
import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { anyTag } from "../harness/images.ts";
import { type ReceivedSpan, startOtlpReceiver } from "../fixtures/otlp_receiver.ts";
import { getServer, ROOT, startOperatorEnv, until } from "./operator_env.ts";

const TRACE = "0af7651916cd43dd8448eb211c80319c";
const ROOT_SPAN = "b7ad6b7169203331";
const SERVER = 2, CLIENT = 3;

const META_ECHO = anyTag("nmcp-test/meta-echo", {
  executables: {
    "meta-echo": {
      script: `exec '${Deno.execPath()}' run -A --config '${ROOT}/deno.json' ` +
        `'${ROOT}/tests/fixtures/meta_echo/main.ts'`,
    },
  },
  entrypoint: ["meta-echo"],
});

const manifest = JSON.stringify({
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPServer",
  metadata: { name: "meta", namespace: "default" },
  spec: { image: "nmcp-test/meta-echo:1", command: ["meta-echo"], idleTimeout: 600 },
});

function one(spans: ReceivedSpan[], what: string, test: (s: ReceivedSpan) => boolean) {
  const found = spans.filter(test);
  assert.equal(found.length, 1, `one ${what}: ${JSON.stringify(found.map((s) => s.name))}`);
  return found[0];
}

Deno.test({
  name: "one trace covers router → wake → gateway → upstream, and the server gets it in _meta",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const e = await startOperatorEnv({ images: META_ECHO });
    // Pods reach the host at the node IP (<prefix>.1), not at 127.0.0.1 (their own loopback).
    const receiver = startOtlpReceiver(`${e.cluster.kubelet.podIpPrefix}.1`);
    try {
      const op = await e.startOperator(["--no-leader-elect", `--otel-endpoint=${receiver.url}`]);
      await e.k(["apply", "--validate=false", "-f", "-"], manifest);
      await until("Idle", 15_000, async () => {
        const s = await getServer(e, "meta");
        return s?.status?.phase === "Idle" ? true : undefined;
      });
      const client = new Client({ name: "test", version: "1" });
      const transport = new StreamableHTTPClientTransport(
        new URL(`${op.url}/servers/default/meta/mcp`),
        {
          requestInit: {
            headers: { ...e.authHeaders, traceparent: `00-${TRACE}-${ROOT_SPAN}-01` },
          },
        },
      );
      await client.connect(transport);
      const result = await client.callTool({ name: "meta", arguments: {} });
      const sid = transport.sessionId!;
      await client.close();
      const text = (result.content as { text: string }[])[0].text;
      const meta = JSON.parse(text) as { traceparent?: string };

      const spans = await until("the gateway's and the router's spans", 30_000, () => {
        const t = receiver.spans.filter((s) => s.traceId === TRACE);
        const done = t.some((s) => s.name === "tools/call meta" && s.kind === CLIENT) &&
          t.some((s) => s.name === "nmcp.wake");
        return Promise.resolve(done ? t : undefined);
      });
      const routed = spans.filter((s) => s.service === "nmcp-operator" && s.kind === SERVER);
      assert.ok(routed.length >= 2, "a router span per HTTP request");
      for (const r of routed) {
        assert.equal(r.parentSpanId, ROOT_SPAN, "the router continues the caller's trace");
        assert.match(r.name, /^(POST|GET|DELETE) \/servers\/\{namespace\}\/\{name\}\/mcp$/);
      }
      const wake = one(spans, "wake span", (s) => s.name === "nmcp.wake");
      const first = routed.find((r) => r.spanId === wake.parentSpanId);
      assert.ok(first, "the wake is a child of the router span of the first request");
      assert.equal(first.name, "POST /servers/{namespace}/{name}/mcp", "the initialize");
      assert.equal(first.attributes["http.response.status_code"], 200);
      assert.equal(wake.attributes["nmcp.server.name"], "meta");
      const start = one(spans, "pod-start span", (s) => s.name === "nmcp.wake.pod_start");
      assert.equal(start.parentSpanId, wake.spanId);
      assert.equal(start.attributes["nmcp.wake.reason"], "pod starting");

      const gw = one(
        spans,
        "gateway span",
        (s) => s.name === "tools/call meta" && s.kind === SERVER,
      );
      const up = one(
        spans,
        "upstream span",
        (s) => s.name === "tools/call meta" && s.kind === CLIENT,
      );
      assert.equal(gw.service, "nmcp-gateway");
      assert.ok(routed.some((r) => r.spanId === gw.parentSpanId), "gateway under a router span");
      assert.equal(up.parentSpanId, gw.spanId);
      assert.deepEqual(
        [
          "mcp.method.name",
          "gen_ai.tool.name",
          "mcp.session.id",
          "mcp.protocol.version",
          "network.transport",
        ].map((k) => gw.attributes[k]),
        ["tools/call", "meta", sid.slice(0, 16), "2025-11-25", "tcp"],
      );
      assert.equal(typeof gw.attributes["jsonrpc.request.id"], "string");
      assert.equal(up.attributes["network.transport"], "pipe");
      assert.equal(meta.traceparent, `00-${TRACE}-${up.spanId}-01`, "the server's parent span");
    } finally {
      await e.close();
      await receiver.close();
    }
  },
});
