/**
 * `kubectl nmcp` end to end: kubectl discovers bin/kubectl-nmcp on PATH and the plugin talks
 * to the harness API server. No operator runs here, so servers stay Idle.
 */

import assert from "node:assert/strict";
import { HARNESS_READY, installCrds, nmcp, sh, startCliEnv, streamKubectl } from "./_cli_env.ts";

const SERVER_YAML = `apiVersion: nmcp.nwrx.io/v1
kind: MCPServer
metadata:
  name: echo
spec:
  image: mcp/everything
  args: ["stdio"]
---
apiVersion: nmcp.nwrx.io/v1
kind: MCPPool
metadata:
  name: small
spec:
  maxActive: 1
`;

Deno.test({
  name: "kubectl nmcp apply/ls/get/start/stop/describe/delete work through kubectl",
  ignore: !HARNESS_READY,
  async fn() {
    const t = await startCliEnv();
    try {
      const env = t.env;
      await installCrds(env);
      const file = `${t.home}/servers.yaml`;
      await Deno.writeTextFile(file, SERVER_YAML);

      const applied = await nmcp(env, "apply", "-f", file);
      assert.equal(applied.stderr, "");
      assert.equal(
        applied.stdout,
        "mcpserver.nmcp.nwrx.io/echo serverside-applied\nmcppool.nmcp.nwrx.io/small serverside-applied\n",
      );

      const ls = await nmcp(env, "ls");
      assert.equal(ls.code, 0, ls.stderr);
      const [header, ...rows] = ls.stdout.trimEnd().split("\n");
      assert.match(header, /^NAME\s+STATUS\s+POOL\s+TRANSPORT\s+CONNECTIONS\s+LAST REQUEST\s+AGE$/);
      assert.match(
        rows[0],
        /^mcpserver\/echo\s+<none>\s+default\s+stdio\s+<none>\s+<none>\s+\d+s$/,
      );
      assert.match(rows[1], /^mcppool\/small\s+0\/1 active\s+-\s+/);

      assert.equal((await nmcp(env, "get", "-o", "name")).stdout, "mcpserver.nmcp.nwrx.io/echo\n");
      const json = JSON.parse((await nmcp(env, "get", "mcpp", "small", "-o", "json")).stdout);
      assert.equal(json.spec.maxActive, 1);

      const watch = streamKubectl(env, ["nmcp", "ls", "-w"]);
      const echoRows = (seen: string) =>
        seen.split("\n").filter((l) => l.startsWith("mcpserver/echo")).length;
      // The initial table is out: the list is done, the watch follows.
      await watch.until((seen) => echoRows(seen) >= 1);
      const started = await nmcp(env, "start", "echo");
      await watch.until((seen) => echoRows(seen) >= 2);
      await watch.stop();
      assert.equal(echoRows(watch.seen), 2, `ls -w printed the change of echo: ${watch.seen}`);

      assert.equal(started.stdout, "mcpserver.nmcp.nwrx.io/echo start requested\n");
      const annotation = await sh(env, "kubectl", [
        "get",
        "mcpserver",
        "echo",
        "-o",
        "jsonpath={.metadata.annotations.nmcp\\.nwrx\\.io/requested-at}",
      ]);
      assert.match(annotation.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.equal((await nmcp(env, "stop", "echo")).code, 0);

      const described = await nmcp(env, "describe", "echo");
      assert.match(described.stdout, /^Name:\s+echo$/m);
      assert.match(described.stdout, /nmcp\.nwrx\.io\/stop-requested-at=/);
      assert.match(described.stdout, /^Status:\n {2}Phase:\s+Idle$/m);

      const completion = await sh(env, "kubectl", ["__complete", "nmcp", "connect", ""]);
      assert.match(completion.stdout, /^echo$/m);

      const elsewhere = await nmcp(env, "ls", "-n", "nothere");
      assert.equal(elsewhere.stdout, "");
      assert.equal(elsewhere.stderr, "No resources found in nothere namespace.\n");

      const deleted = await nmcp(env, "delete", "echo");
      assert.equal(deleted.stdout, 'mcpserver.nmcp.nwrx.io "echo" deleted\n');
      const gone = await nmcp(env, "get", "echo");
      assert.equal(gone.code, 1);
      assert.equal(
        gone.stderr,
        'Error from server (NotFound): mcpservers.nmcp.nwrx.io "echo" not found\n',
      );
    } finally {
      await t.close();
    }
  },
});
