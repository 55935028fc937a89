import assert from "node:assert/strict";
// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import {
  annotate,
  applyPool,
  everything,
  getServer,
  type OperatorEnv,
  phaseOf,
  startOperatorEnv,
  until,
} from "./operator_env.ts";

async function events(e: OperatorEnv, name: string) {
  const out = JSON.parse(await e.k(["get", "events", "-o", "json"])) as {
    items: {
      involvedObject: { name: string; kind: string };
      reason: string;
      type: string;
      message: string;
      count: number;
    }[];
  };
  return out.items.filter((ev) => ev.involvedObject.name === name);
}

Deno.test({
  name: "operator pools, failures and cascading deletion against the harness",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const e = await startOperatorEnv();
    try {
      const op = await e.startOperator(["--no-leader-elect", "--ready-timeout=20"]);

      await t.step("an HTTP server is proxied by the gateway without launcher", async () => {
        await e.k(
          ["apply", "--validate=false", "-f", "-"],
          everything("web", {
            args: ["streamableHttp"],
            env: [{ name: "PORT", value: "3001" }],
            transport: { type: "streamable-http", port: 3001, path: "/mcp" },
          }),
        );
        const client = new Client({ name: "t", version: "1" });
        const transport = new StreamableHTTPClientTransport(
          new URL(`${op.url}/servers/default/web/mcp`),
          { requestInit: { headers: e.authHeaders } },
        );
        await client.connect(transport);
        const r = await client.callTool({ name: "echo", arguments: { message: "via http" } });
        assert.match(JSON.stringify(r.content), /via http/);
        await transport.terminateSession().catch(() => {});
        await client.close();
        const pod = JSON.parse(
          await e.k(["get", "pods", "-l", "nmcp.nwrx.io/server=web", "-o", "json"]),
        ).items[0];
        assert.deepEqual(pod.spec.initContainers.map((c: { name: string }) => c.name), [
          "nmcp-gateway",
        ]);
        await e.k(["delete", "mcpserver", "web"]);
      });

      await t.step("a pool of maxActive 2 queues the third request until one stops", async () => {
        await applyPool(e, "small", { maxActive: 2 });
        for (const n of ["p1", "p2", "p3"]) {
          await e.k(["apply", "--validate=false", "-f", "-"], everything(n, { pool: "small" }));
        }
        for (const n of ["p1", "p2", "p3"]) {
          await annotate(e, n, "requested-at");
          await new Promise((r) => setTimeout(r, 20));
        }
        await until(
          "p1 and p2 Ready",
          30_000,
          async () =>
            (await phaseOf(e, "p1")) === "Ready" && (await phaseOf(e, "p2")) === "Ready"
              ? true
              : undefined,
        );
        const p3 = await getServer(e, "p3");
        assert.equal(p3?.status?.phase, "Requested");
        const queued = p3?.status?.conditions?.find((c) => c.type === "Queued");
        assert.equal(queued?.status, "True");
        assert.match(queued!.message, /pool "small"/);
        const pool = JSON.parse(await e.k(["get", "mcppool", "small", "-o", "json"]));
        assert.deepEqual([pool.status.active, pool.status.pending], [2, 1]);
        await annotate(e, "p1", "stop-requested-at");
        await until(
          "p3 Ready after p1 stopped",
          30_000,
          async () => (await phaseOf(e, "p3")) === "Ready" ? true : undefined,
        );
        assert.equal(await phaseOf(e, "p1"), "Idle");
      });

      await t.step("maxIdle 0 evicts a Ready idle server when the grace ends", async () => {
        await applyPool(e, "lean", { maxIdle: 0 });
        // idleTimeout 0: only the pool's rule can stop it, and nothing touches it meanwhile.
        await e.k(
          ["apply", "--validate=false", "-f", "-"],
          everything("lonely", { pool: "lean", idleTimeout: 0 }),
        );
        await annotate(e, "lonely", "requested-at");
        const stopped = await until("lonely stopped by the pool", 60_000, async () => {
          const st = (await getServer(e, "lonely"))?.status;
          return st?.stoppedAt && st.startedAt ? [st.startedAt, st.stoppedAt] : undefined;
        });
        const after = Date.parse(String(stopped[1])) - Date.parse(String(stopped[0]));
        assert.ok(after >= 30_000 && after < 36_000, `evicted ${after} ms after Ready`);
        const ev = (await events(e, "lonely")).find((x) => x.reason === "PoolMaxIdle");
        assert.ok(ev, "a PoolMaxIdle event");
        await e.k(["delete", "mcpserver", "lonely"]);
      });

      await t.step("deleting a server cascades to its pod and service", async () => {
        const pods = () => e.k(["get", "pods", "-l", "nmcp.nwrx.io/server=p2", "-o", "name"]);
        assert.notEqual((await pods()).trim(), "");
        await e.k(["delete", "mcpserver", "p2"]);
        await until("p2's pod and service gone", 20_000, async () => {
          const svc = await e.k(["get", "services", "-l", "nmcp.nwrx.io/server=p2", "-o", "name"]);
          return (await pods()).trim() === "" && svc.trim() === "" ? true : undefined;
        });
      });

      await t.step(
        "an image that cannot be pulled fails with a condition and an event",
        async () => {
          await e.k(
            ["apply", "--validate=false", "-f", "-"],
            everything("badimg", { image: "example.invalid/nope:1" }),
          );
          await annotate(e, "badimg", "requested-at");
          const s = await until("badimg Failed", 30_000, async () => {
            const s = await getServer(e, "badimg");
            return s?.status?.phase === "Failed" ? s : undefined;
          });
          const c = s.status?.conditions?.find((c) => c.type === "Configured");
          assert.equal(c?.status, "False");
          assert.equal(c?.reason, "ImagePullFailed");
          const evs = await until("warning event", 10_000, async () => {
            const evs = await events(e, "badimg");
            return evs.some((ev) => ev.type === "Warning") ? evs : undefined;
          });
          assert.ok(evs.some((ev) => ev.reason === "ImagePullFailed" && ev.count >= 1));
        },
      );

      await t.step(
        "a stdio server without a resolvable entrypoint fails as not configured",
        async () => {
          await e.k(
            ["apply", "--validate=false", "-f", "-"],
            everything("nocmd", {
              image: "127.0.0.1:9/none:1",
              command: undefined,
              args: undefined,
            }),
          );
          await annotate(e, "nocmd", "requested-at");
          const s = await until("nocmd Failed", 20_000, async () => {
            const s = await getServer(e, "nocmd");
            return s?.status?.phase === "Failed" ? s : undefined;
          });
          const c = s.status?.conditions?.find((c) => c.type === "Configured");
          assert.equal(c?.reason, "EntrypointUnknown");
          assert.match(c!.message, /Cannot read entrypoint of image "127\.0\.0\.1:9\/none:1"/);
          const evs = await until("warning event", 10_000, async () => {
            const evs = await events(e, "nocmd");
            return evs.length > 0 ? evs : undefined;
          });
          assert.equal(evs[0].type, "Warning");
        },
      );
    } finally {
      await e.close();
    }
  },
});
