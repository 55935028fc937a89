/**
 * The seeds' own words against the harness API server with the real kubectl: each CRD exported
 * alone (`kubectl nmcp export --type crd --resource pool|server | kubectl apply -f -`), duration
 * strings admitted and bad ones refused with a clear message, the STATUS column, the
 * examples in examples/seeds/, and `kubectl nmcp describe` reading the durations.
 */
import assert from "node:assert/strict";
import { stringify } from "yaml";
import { startTestCluster, type TestCluster } from "../tests/harness/apiserver/_testing.ts";
import { runCommand } from "../tests/harness/kubectl.ts";
import { pluginEnv } from "../tests/integration/_cli_env.ts";

const server = (name: string, idleTimeout: unknown) => ({
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPServer",
  metadata: { name },
  spec: { image: "mcp/context7:latest", idleTimeout },
});

async function nmcp(c: TestCluster, ...args: string[]) {
  const env = await pluginEnv({ KUBECONFIG: c.server.kubeconfigPath, HOME: c.home }, {
    source: true,
  });
  return runCommand("kubectl", ["nmcp", ...args], { env, timeoutMs: 60_000 });
}

async function installEachCrd(c: TestCluster): Promise<void> {
  for (const [resource, crd] of [["server", "mcpservers"], ["pool", "mcppools"]]) {
    const out = await nmcp(c, "export", "--type", "crd", "--resource", resource);
    assert.equal(out.code, 0, out.stderr);
    assert.equal(out.stdout.split("---\n").length, 1, "one CRD only");
    const applied = await c.kubectl(["apply", "-f", "-"], out.stdout);
    assert.equal(applied.code, 0, applied.stderr);
    assert.equal(
      applied.stdout.trim(),
      `customresourcedefinition.apiextensions.k8s.io/${crd}.nmcp.nwrx.io created`,
    );
  }
  const wrong = await nmcp(c, "export", "--type", "manifests", "--resource", "pool");
  assert.equal(wrong.code, 1);
  assert.match(wrong.stderr, /Cannot export manifests: --resource needs --type crd/);
}

Deno.test("seeds: one CRD per export, durations, STATUS column, examples/seeds and describe", async () => {
  const c = await startTestCluster();
  try {
    await installEachCrd(c);
    const ok = [server("sixty-s", "60s"), server("sixty", 60), server("mixed", "1h30m")];
    const created = await c.kubectl(
      ["create", "-f", "-"],
      ok.map((o) => stringify(o)).join("---\n"),
    );
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /mcpserver.nmcp.nwrx.io\/sixty-s created/);

    const bad = await c.kubectl(["create", "-f", "-"], stringify(server("five-x", "5x")));
    assert.notEqual(bad.code, 0);
    assert.match(
      bad.stderr,
      /spec.idleTimeout: Invalid value: .*: must be a whole number of seconds or a duration such as 60s, 5m or 1h30m \(units h, m, s, ms\)/,
    );

    const seeds = await c.kubectl(["apply", "-f", "examples/seeds/"]);
    assert.equal(seeds.code, 0, seeds.stderr);
    assert.match(seeds.stdout, /mcpserver.nmcp.nwrx.io\/context7 created/);
    assert.match(seeds.stdout, /mcppool.nmcp.nwrx.io\/default created/);
    const ctx7 = JSON.parse(
      (await c.kubectl(["get", "mcpserver", "context7", "-o", "json"])).stdout,
    );
    assert.deepEqual(ctx7.spec, {
      image: "mcp/context7:latest",
      pool: "default",
      idleTimeout: "60s",
      transport: { type: "stdio" },
    });
    const pool = JSON.parse((await c.kubectl(["get", "mcppool", "default", "-o", "json"])).stdout);
    assert.deepEqual(pool.spec, { maxIdle: 2, maxActive: 5, defaultIdleTimeout: "60s" });

    const phase = await c.kubectl([
      "patch",
      "mcpserver",
      "context7",
      "--subresource=status",
      "--type=merge",
      "-p",
      '{"status":{"phase":"Idle"}}',
    ]);
    assert.equal(phase.code, 0, phase.stderr);
    const table = await c.kubectl(["get", "mcpservers"]);
    assert.match(
      table.stdout,
      /^NAME\s+STATUS\s+POOL\s+TRANSPORT\s+CONNECTIONS\s+LAST REQUEST\s+AGE\n/,
    );
    assert.match(table.stdout, /\ncontext7\s+Idle\s+default\s+stdio\s+/);
    const wide = await c.kubectl(["get", "mcpservers", "-o", "wide"]);
    assert.match(wide.stdout, /^NAME\s+STATUS\s+POOL\s+.*REQUESTS\s+POD\s+ENDPOINT\s+AGE\n/);

    const described = await nmcp(c, "describe", "mcpserver", "mixed");
    assert.equal(described.code, 0, described.stderr);
    assert.match(described.stdout, /Idle Timeout:\s+1h30m\n/);
    const dpool = await nmcp(c, "describe", "mcppool", "default");
    assert.match(dpool.stdout, /Default Idle Timeout:\s+1m\n/);
  } finally {
    await c.close();
  }
});
