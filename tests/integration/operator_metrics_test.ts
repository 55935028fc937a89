import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { pluginEnv, sh } from "./_cli_env.ts";
import {
  annotate,
  applyPool,
  everything,
  getServer,
  type OperatorEnv,
  type OperatorProc,
  phaseOf,
  startOperatorEnv,
  until,
} from "./operator_env.ts";

/** One sample of a Prometheus text: name, labels, value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

function parseSamples(text: string): Sample[] {
  const out: Sample[] = [];
  for (const line of text.split("\n")) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]] = l[2];
    out.push({ name: m[1], labels, value: Number(m[3]) });
  }
  return out;
}

/** The value of the sample `name` whose labels include `labels`, or undefined. */
function valueOf(text: string, name: string, labels: Record<string, string> = {}) {
  return parseSamples(text).find((s) =>
    s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
  )?.value;
}

/** A Role and RoleBinding letting `user` read only the gateway metrics of servers in default. */
function metricsReader(user: string) {
  const rbac = "rbac.authorization.k8s.io";
  return {
    apiVersion: "v1",
    kind: "List",
    items: [
      {
        apiVersion: `${rbac}/v1`,
        kind: "Role",
        metadata: { name: "metrics-reader", namespace: "default" },
        rules: [{ apiGroups: ["nmcp.nwrx.io"], resources: ["mcpservers/metrics"], verbs: ["get"] }],
      },
      {
        apiVersion: `${rbac}/v1`,
        kind: "RoleBinding",
        metadata: { name: "metrics-reader", namespace: "default" },
        roleRef: { apiGroup: rbac, kind: "Role", name: "metrics-reader" },
        subjects: [{ apiGroup: rbac, kind: "User", name: user }],
      },
    ],
  };
}

const waitPhase = (e: OperatorEnv, name: string, phase: string, ms = 30_000) =>
  until(`${name} ${phase}`, ms, async () => (await phaseOf(e, name)) === phase ? true : undefined);

async function scrape(e: OperatorEnv, op: OperatorProc): Promise<string> {
  const res = await fetch(`${op.url}/metrics`, { headers: e.authHeaders });
  assert.equal(res.status, 200);
  return await res.text();
}

/** Calls `tools` on server `name` through the router (which wakes it), then ends the session. */
async function callThroughRouter(e: OperatorEnv, op: OperatorProc, name: string, tools: string[]) {
  const client = new Client({ name: "t", version: "1" });
  const transport = new StreamableHTTPClientTransport(
    new URL(`${op.url}/servers/default/${name}/mcp`),
    { requestInit: { headers: e.authHeaders } },
  );
  await client.connect(transport);
  for (const tool of tools) {
    await client.callTool({ name: tool, arguments: { message: "hi" } }).catch(() => undefined);
  }
  await transport.terminateSession().catch(() => {});
  await client.close();
}

Deno.test({
  name:
    "operator /metrics per server and pool, gateway metrics through the API, describe's wake and tools",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const e = await startOperatorEnv();
    try {
      const op = await e.startOperator(["--no-leader-elect", "--ready-timeout=30"]);
      await applyPool(e, "one", { maxActive: 1 });
      for (const n of ["m1", "m2"]) {
        await e.k(["apply", "--validate=false", "-f", "-"], everything(n, { pool: "one" }));
      }
      await e.k(["apply", "--validate=false", "-f", "-"], everything("m3", { idleTimeout: 1 }));

      await t.step("/metrics wants a caller allowed to get it", async () => {
        const anonymous = await fetch(`${op.url}/metrics`);
        assert.equal(anonymous.status, 401);
        await anonymous.body?.cancel();
        const bob = await e.cluster.apiServer.issueUserToken("bob", []);
        const denied = await fetch(`${op.url}/metrics`, {
          headers: { authorization: `Bearer ${bob}` },
        });
        assert.equal(denied.status, 403);
        await denied.body?.cancel();
        const text = await scrape(e, op);
        assert.equal(valueOf(text, "nmcp_leader"), 1, "the only operator leads (no election)");
        assert.equal(valueOf(text, "nmcp_server_phase", { server: "m1", phase: "Idle" }), 1);
        assert.equal(valueOf(text, "nmcp_server_phase", { server: "m1", phase: "Ready" }), 0);
        assert.equal(
          valueOf(text, "nmcp_server_info", {
            namespace: "default",
            server: "m1",
            pool: "one",
            image: "mcp/everything:latest",
            spec_hash: "",
          }),
          1,
        );
      });

      await t.step("a routed wake, a queued wake and their figures", async () => {
        await callThroughRouter(e, op, "m1", ["echo", "echo", "no-such-tool"]);
        await annotate(e, "m2", "requested-at");
        await until("m2 queued", 20_000, async () => {
          const st = (await getServer(e, "m2"))?.status as {
            lastWake?: { queuedBehind?: string[] };
          };
          return st?.lastWake?.queuedBehind?.includes("m1") ? true : undefined;
        });
        const busy = await scrape(e, op);
        assert.equal(valueOf(busy, "nmcp_pool_pending", { pool: "one" }), 1);
        assert.equal(valueOf(busy, "nmcp_server_phase", { server: "m2", phase: "Requested" }), 1);
        const proxied = await fetch(`${op.url}/api/v1/namespaces/default/servers/m1/metrics`, {
          headers: e.authHeaders,
        });
        assert.equal(proxied.status, 200);
        const gw = await proxied.text();
        assert.equal(valueOf(gw, "nmcp_gateway_tool_calls_total", { tool: "echo" }), 2);
        assert.equal(valueOf(gw, "nmcp_gateway_tool_errors_total", { tool: "no-such-tool" }), 1);
        await annotate(e, "m1", "stop-requested-at");
        await waitPhase(e, "m2", "Ready");
        await waitPhase(e, "m1", "Idle");
        const text = await scrape(e, op);
        const m1 = { namespace: "default", server: "m1", pool: "one" };
        assert.ok(
          (valueOf(text, "nmcp_server_routed_requests_total", { ...m1, code: "2xx" }) ?? 0) >= 3,
        );
        assert.equal(valueOf(text, "nmcp_server_wake_duration_seconds_count", { pool: "one" }), 2);
        assert.equal(valueOf(text, "nmcp_server_queue_wait_seconds_count", { pool: "one" }), 2);
        const queued = (await getServer(e, "m2"))?.status as {
          lastWake: { durationMs: number; queuedMs: number; queuedBehind: string[] };
        };
        const waitSum = valueOf(text, "nmcp_server_queue_wait_seconds_sum", { pool: "one" })!;
        assert.ok(waitSum >= queued.lastWake.queuedMs / 1000, `queue wait sum ${waitSum}`);
        assert.equal(valueOf(text, "nmcp_server_phase", { server: "m2", phase: "Ready" }), 1);
        const lastWake = valueOf(text, "nmcp_server_last_wake_seconds", { server: "m2" });
        assert.equal(lastWake, queued.lastWake.durationMs / 1000);
        assert.equal(
          valueOf(text, "nmcp_server_restarts", { server: "m2", container: "nmcp-gateway" }),
          0,
        );
        const info = parseSamples(text).find((s) =>
          s.name === "nmcp_server_info" && s.labels.server === "m2"
        );
        assert.match(info?.labels.spec_hash ?? "", /^[0-9a-f]{8,}$/);
        const idle = await fetch(`${op.url}/api/v1/namespaces/default/servers/m1/metrics`, {
          headers: e.authHeaders,
        });
        assert.equal(idle.status, 503);
        assert.match((await idle.json()).error, /not running \(phase Idle\)/);
      });

      await t.step("the gateway metrics path is authorized as the caller", async () => {
        const path = `${op.url}/api/v1/namespaces/default/servers/m2/metrics`;
        const bob = await e.cluster.apiServer.issueUserToken("bob", []);
        const res = await fetch(path, { headers: { authorization: `Bearer ${bob}` } });
        assert.equal(res.status, 403);
        assert.match((await res.json()).message, /cannot get resource "mcpservers\/metrics"/);
        await e.k(["apply", "--validate=false", "-f", "-"], JSON.stringify(metricsReader("carol")));
        const carol = await e.cluster.apiServer.issueUserToken("carol", []);
        const allowed = await fetch(path, { headers: { authorization: `Bearer ${carol}` } });
        assert.equal(allowed.status, 200);
        assert.match(await allowed.text(), /^# TYPE nmcp_gateway_tool_calls_total counter$/m);
        const object = await fetch(`${op.url}/api/v1/namespaces/default/servers/m2`, {
          headers: { authorization: `Bearer ${carol}` },
        });
        assert.equal(object.status, 403, "the metrics grant does not read the MCPServer itself");
        await object.body?.cancel();
      });

      await t.step("kubectl nmcp describe shows the last wake and the top tools", async () => {
        await callThroughRouter(e, op, "m2", ["echo"]);
        const env = await pluginEnv(e.env, { source: true });
        const r = await sh(env, "kubectl", ["nmcp", "describe", "m2"]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, /^Last Wake:\n {2}Requested:/m);
        assert.match(r.stdout, /^ {2}Took:\s+\d+(\.\d)?m?s$/m);
        assert.match(r.stdout, /^ {2}Queued Behind:\s+m1$/m);
        assert.match(
          r.stdout,
          /^Tools \(top by calls and errors[^\n]*\n\s+Tool\s+Calls\s+Errors\s+Mean\n\s+echo\s+1\s+0\s+\d+ms$/m,
        );
        const idle = await sh(env, "kubectl", ["nmcp", "describe", "m1"]);
        assert.match(idle.stdout, /^Tools: {2}<server not running>$/m);
      });

      await t.step(
        "an idle timeout counts as an eviction; a deleted server's series go",
        async () => {
          await callThroughRouter(e, op, "m3", ["echo"]);
          await waitPhase(e, "m3", "Idle", 30_000);
          const text = await scrape(e, op);
          const labels = { namespace: "default", pool: "default", reason: "IdleTimeout" };
          assert.equal(valueOf(text, "nmcp_server_evictions_total", labels), 1);
          assert.ok(valueOf(text, "nmcp_server_routed_requests_total", { server: "m3" }));
          await e.k(["delete", "mcpserver", "m3"]);
          await until("m3 gone from the metrics", 10_000, async () => {
            const after = await scrape(e, op);
            return /server="m3"/.test(after) ? undefined : true;
          });
        },
      );
    } finally {
      await e.close();
    }
  },
});
