import assert from "node:assert/strict";
import {
  everything,
  getServer,
  type OperatorProc,
  startOperatorEnv,
  until,
} from "./operator_env.ts";

async function leads(op: OperatorProc, headers: Record<string, string>): Promise<boolean> {
  const r = await fetch(`${op.url}/metrics`, { headers }).catch(() => undefined);
  const text = r ? await r.text() : "";
  return /^nmcp_leader 1$/m.test(text);
}

Deno.test({
  name: "a second operator takes over the Lease when the leader dies, without duplicating pods",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const e = await startOperatorEnv();
    try {
      const flags = ["--lease-duration=3"];
      const a = await e.startOperator(flags, "op-a");
      await until("op-a leads", 10_000, async () => await leads(a, e.authHeaders) || undefined);
      const b = await e.startOperator(flags, "op-b");
      await new Promise((r) => setTimeout(r, 1000));
      assert.equal(await leads(b, e.authHeaders), false, "only one leader");
      const lease = JSON.parse(
        await e.k(["get", "lease", "nmcp-operator", "-n", "nmcp-system", "-o", "json"]),
      );
      assert.equal(lease.spec.holderIdentity, "op-a");
      assert.match(lease.spec.renewTime, /\.\d{6}Z$/);

      await e.k(["apply", "--validate=false", "-f", "-"], everything("one"));
      const annotate = (n: string) =>
        e.k([
          "annotate",
          "--overwrite",
          "mcpserver",
          n,
          `nmcp.nwrx.io/requested-at=${new Date().toISOString()}`,
        ]);
      await annotate("one");
      await until(
        "one Ready under op-a",
        30_000,
        async () => (await getServer(e, "one"))?.status?.phase === "Ready" || undefined,
      );

      const t0 = Date.now();
      await a.stop("SIGKILL");
      await until("op-b leads", 15_000, async () => await leads(b, e.authHeaders) || undefined);
      const takeover = Date.now() - t0;
      console.log(`takeover after leader SIGKILL: ${takeover} ms (lease 3 s)`);

      await e.k(["apply", "--validate=false", "-f", "-"], everything("two"));
      await annotate("two");
      await until(
        "two Ready under op-b",
        30_000,
        async () => (await getServer(e, "two"))?.status?.phase === "Ready" || undefined,
      );
      const pods = await e.k(["get", "pods", "-l", "nmcp.nwrx.io/server=one", "-o", "name"]);
      assert.equal(pods.trim().split("\n").length, 1, "no duplicate pod after failover");
      assert.equal((await getServer(e, "one"))?.status?.phase, "Ready");

      const c = await e.startOperator(flags, "op-c");
      const t1 = Date.now();
      assert.equal(await b.stop("SIGTERM"), 0);
      await until(
        "op-c leads after clean step-down",
        10_000,
        async () => await leads(c, e.authHeaders) || undefined,
      );
      console.log(`takeover after SIGTERM step-down: ${Date.now() - t1} ms`);
      await new Promise((r) => setTimeout(r, 1000));
      for (const n of ["one", "two"]) {
        const p = await e.k(["get", "pods", "-l", `nmcp.nwrx.io/server=${n}`, "-o", "name"]);
        assert.equal(p.trim().split("\n").length, 1, `${n}: one pod after two takeovers`);
        assert.equal((await getServer(e, n))?.status?.phase, "Ready");
      }
    } finally {
      await e.close();
    }
  },
});
