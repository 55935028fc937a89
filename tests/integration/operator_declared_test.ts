/**
 * Declared tools, prompts and resources against the harness with a real operator process and
 * kubectl: examples/declarative/ renders into `mcp-main-declared`; the virtual server's pod runs
 * only the gateway (restricted PSS) with the mount and flags; label and spec changes update the
 * ConfigMap without touching the pod; statuses say who selects what and whether the Service
 * exists; a name clash is a DeclaredConflict condition.
 */

import assert from "node:assert/strict";
import { restrictedViolations } from "../../operator/mod.ts";
import { annotate, getServer, type OperatorEnv, startOperatorEnv, until } from "./operator_env.ts";

interface DeclaredJson {
  version: number;
  tools: { name: string; http: { url: string; method: string; timeoutMs: number } }[];
  prompts: { name: string; arguments: { name: string; default?: string }[] }[];
  resources: { uri: string; text?: string }[];
  resourceTemplates: unknown[];
}

async function declaredFile(e: OperatorEnv): Promise<DeclaredJson | undefined> {
  const r = await e.kubectl(["get", "configmap", "mcp-main-declared", "-o", "json"]);
  if (r.code !== 0) return undefined;
  return JSON.parse(JSON.parse(r.stdout).data["declared.json"]);
}

async function statusOf(e: OperatorEnv, kind: string, name: string) {
  const obj = JSON.parse(await e.k(["get", kind, name, "-o", "json"]));
  return obj.status as
    | {
      selectedBy?: string[];
      serviceExists?: boolean;
      conditions?: { type: string; reason: string }[];
    }
    | undefined;
}

const toolNames = async (e: OperatorEnv) =>
  (await declaredFile(e))?.tools.map((t) => t.name).join(",");

function tool(name: string, spec: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPTool",
    metadata: { name, namespace: "default", labels: { "mcp-server": "main" } },
    spec: { inputSchema: { type: "object" }, service: { name: "echo", port: 80 }, ...spec },
  });
}

Deno.test({
  name: "operator renders declared objects into a ConfigMap and runs a virtual server's gateway",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn(t) {
    const e = await startOperatorEnv();
    try {
      await e.startOperator(["--no-leader-elect"]);
      await e.k(["apply", "-f", "examples/declarative/"]);

      await t.step("the ConfigMap carries the examples in the contract's format", async () => {
        // Objects arrive in any order: wait for the render that has all three.
        const file = await until("mcp-main-declared with all examples", 20_000, async () => {
          const f = await declaredFile(e);
          return f?.tools.length && f.prompts.length && f.resources.length ? f : undefined;
        });
        assert.equal(file.version, 1);
        assert.deepEqual(file.tools.map((t) => [t.name, t.http]), [[
          "github-search",
          {
            url: "http://github-search.default.svc.cluster.local:8080/search",
            method: "POST",
            timeoutMs: 30_000,
          },
        ]]);
        assert.deepEqual(file.prompts[0].arguments.map((a) => [a.name, a.default]), [
          ["name", undefined],
          ["query", "none"],
        ]);
        assert.equal(file.resources[0].uri, "config://template");
        assert.match(file.resources[0].text ?? "", /replicas: 1/);
        const cm = JSON.parse(await e.k(["get", "configmap", "mcp-main-declared", "-o", "json"]));
        const owner = cm.metadata.ownerReferences[0];
        assert.equal(owner.kind, "MCPServer");
        assert.equal(owner.uid, (await getServer(e, "main"))!.metadata.uid);
      });

      await t.step(
        "statuses name the selecting server and whether the Service exists",
        async () => {
          const st = await until("tool status", 20_000, async () => {
            const s = await statusOf(e, "mcptool", "github-search");
            return s?.selectedBy?.length ? s : undefined;
          });
          assert.deepEqual(st.selectedBy, ["main"]);
          assert.equal(st.serviceExists, false);
          assert.equal(
            st.conditions?.find((c) => c.type === "ServiceFound")?.reason,
            "ServiceNotFound",
          );
          assert.deepEqual((await statusOf(e, "mcpprompt", "greet"))?.selectedBy, ["main"]);
          assert.deepEqual((await statusOf(e, "mcpresource", "template"))?.selectedBy, ["main"]);
          await e.k(["create", "service", "clusterip", "github-search", "--tcp=8080:8080"]);
          await until(
            "serviceExists",
            20_000,
            async () =>
              (await statusOf(e, "mcptool", "github-search"))?.serviceExists === true
                ? true
                : undefined,
          );
        },
      );

      await t.step("the virtual server's pod runs only the gateway, restricted", async () => {
        await annotate(e, "main", "requested-at");
        const pod = await until("pod of main", 20_000, async () => {
          const list = JSON.parse(
            await e.k(["get", "pods", "-l", "nmcp.nwrx.io/server=main", "-o", "json"]),
          );
          return list.items[0];
        });
        assert.equal(pod.spec.initContainers, undefined);
        assert.deepEqual(pod.spec.containers.map((c: { name: string }) => c.name), [
          "nmcp-gateway",
        ]);
        const args: string[] = pod.spec.containers[0].command;
        assert.ok(args.includes("--virtual"), args.join(" "));
        assert.equal(args[args.indexOf("--declared-file") + 1], "/etc/nmcp/declared/declared.json");
        assert.ok(
          pod.spec.volumes.some((v: { configMap?: { name: string } }) =>
            v.configMap?.name === "mcp-main-declared"
          ),
        );
        assert.deepEqual(restrictedViolations(pod), []);
      });

      await t.step("label and spec changes update the ConfigMap, never the pod", async () => {
        const before = JSON.parse(
          await e.k(["get", "pods", "-l", "nmcp.nwrx.io/server=main", "-o", "json"]),
        ).items[0];
        await e.k(["apply", "-f", "-"], tool("second"));
        await until(
          "second tool",
          20_000,
          async () => (await toolNames(e)) === "github-search,second" ? true : undefined,
        );
        await e.k(["label", "mcptool", "github-search", "mcp-server=other", "--overwrite"]);
        await until(
          "github-search unselected",
          20_000,
          async () => (await toolNames(e)) === "second" ? true : undefined,
        );
        await until(
          "selectedBy emptied",
          20_000,
          async () =>
            (await statusOf(e, "mcptool", "github-search"))?.selectedBy?.length === 0
              ? true
              : undefined,
        );
        const after = JSON.parse(
          await e.k(["get", "pods", "-l", "nmcp.nwrx.io/server=main", "-o", "json"]),
        ).items;
        assert.deepEqual(after.map((p: { metadata: { uid: string } }) => p.metadata.uid), [
          before.metadata.uid,
        ]);
        const hash = "nmcp.nwrx.io/spec-hash";
        assert.equal(after[0].metadata.annotations[hash], before.metadata.annotations[hash]);
      });

      await t.step(
        "two tools of one name are a DeclaredConflict, the first name served",
        async () => {
          await e.k(["apply", "-f", "-"], tool("another", { name: "second" }));
          const cond = await until("DeclaredConflict", 20_000, async () => {
            const c = (await getServer(e, "main"))?.status?.conditions
              ?.find((c) => c.type === "DeclaredConflict");
            return c?.status === "True" ? c : undefined;
          });
          assert.equal(
            cond.message,
            'tool "second" is declared by MCPTool "another" and "second" (serving "another")',
          );
          assert.equal(await toolNames(e), "second");
          await e.k(["delete", "mcptool", "another"]);
          await until(
            "conflict resolved",
            20_000,
            async () =>
              (await getServer(e, "main"))?.status?.conditions
                  ?.find((c) => c.type === "DeclaredConflict")?.status === "False"
                ? true
                : undefined,
          );
        },
      );
    } finally {
      await e.close();
    }
  },
});
