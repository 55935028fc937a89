import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
// @ts-types="@modelcontextprotocol/sdk/client/sse"
import { SSEClientTransport } from "@modelcontextprotocol/sdk/client/sse.js";
import { everything, getServer, startOperatorEnv, until } from "./operator_env.ts";

Deno.test({
  name:
    "operator wakes a stdio server on connect, serves a tool call, stops it when idle (a session left open included)",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const e = await startOperatorEnv();
    try {
      const op = await e.startOperator(["--no-leader-elect"]);
      await e.k(["apply", "--validate=false", "-f", "-"], everything("ev", { idleTimeout: 3 }));
      const idle = await until("Idle status", 15_000, async () => {
        const s = await getServer(e, "ev");
        return s?.status?.phase === "Idle" ? s : undefined;
      });
      assert.equal(idle.status?.endpoint, "http://mcp-ev.default.svc:80/mcp");
      const pods0 = await e.k(["get", "pods", "-l", "nmcp.nwrx.io/server=ev", "-o", "name"]);
      assert.equal(pods0.trim(), "");

      const t0 = performance.now();
      const client = new Client({ name: "test", version: "1" });
      const transport = new StreamableHTTPClientTransport(
        new URL(`${op.url}/servers/default/ev/mcp`),
        { requestInit: { headers: e.authHeaders } },
      );
      await client.connect(transport);
      const result = await client.callTool({ name: "echo", arguments: { message: "hi" } });
      const wake = performance.now() - t0;
      console.log(`wake → first tool result: ${wake.toFixed(0)} ms`);
      assert.match(JSON.stringify(result.content), /hi/);
      const running = await getServer(e, "ev");
      assert.equal(running?.status?.phase, "Ready");
      // No DELETE: the session stays open on the gateway, abandoned; it must not keep the
      // server from stopping once idle.
      await client.close();

      const legacy = new Client({ name: "legacy", version: "1" });
      const sse = new SSEClientTransport(new URL(`${op.url}/servers/default/ev/sse`), {
        requestInit: { headers: e.authHeaders },
      });
      await legacy.connect(sse);
      const viaSse = await legacy.callTool({ name: "echo", arguments: { message: "over sse" } });
      assert.match(JSON.stringify(viaSse.content), /over sse/);
      await legacy.close();

      const api =
        await (await fetch(`${op.url}/api/v1/servers/default/ev`, { headers: e.authHeaders }))
          .json();
      assert.equal(api.phase, "Ready");
      assert.equal(api.isRunning, true);
      const list = await (await fetch(`${op.url}/api/v1/servers`, { headers: e.authHeaders }))
        .json();
      const anonymous = await fetch(`${op.url}/api/v1/servers`);
      assert.equal(anonymous.status, 401, "the operator's port refuses requests without a token");
      await anonymous.body?.cancel();
      assert.deepEqual(list.items.map((s: { name: string }) => s.name), ["ev"]);

      await until("stopped after idleTimeout", 30_000, async () => {
        const s = await getServer(e, "ev");
        return s?.status?.phase === "Idle" && s.status.stoppedAt ? s : undefined;
      });
      await until("pod gone", 15_000, async () => {
        const p = await e.k(["get", "pods", "-l", "nmcp.nwrx.io/server=ev", "-o", "name"]);
        return p.trim() === "" ? true : undefined;
      });
      const final = await getServer(e, "ev");
      assert.ok((final?.status?.totalRequests as number) >= 1, "activity folded into status");
    } catch (err) {
      console.log(JSON.stringify((await getServer(e, "ev"))?.status));
      throw err;
    } finally {
      await e.close();
    }
  },
});
