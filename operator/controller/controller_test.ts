import assert from "node:assert/strict";
import { allCrds, type MCPServer } from "../../lib/api/mod.ts";
import { createLogger } from "../../lib/log.ts";
import { startCluster } from "../../tests/harness/mod.ts";
import { deriveServerToken, importTokenKey } from "../auth/server_token.ts";
import type { NetworkPolicy, Pod } from "../build/types.ts";
import { EventRecorder } from "../events.ts";
import { createKubeClient, type KubeClient, resourcePath, RESOURCES } from "../kube/client.ts";
import { loadClusterAccess } from "../kube/config.ts";
import { operatorRules } from "../build/rbac.ts";
import { attributesOf, type RequestAttributes, rulesAllow } from "./_authz_testing.ts";
import { Cache } from "./cache.ts";
import { Controller } from "./controller.ts";

/** Wraps a client, recording every write as "VERB path", and every call's RBAC attributes. */
function recording(inner: KubeClient) {
  const writes: string[] = [];
  const calls: RequestAttributes[] = [];
  const client: KubeClient = {
    request(method, path, opts) {
      calls.push(attributesOf(method, path, opts?.query));
      if (method !== "GET") writes.push(`${method} ${path.replace(/\/[^/]+\.[0-9a-f]+$/, "/*")}`);
      return inner.request(method, path, opts);
    },
    stream: (path, opts) => {
      calls.push(attributesOf("GET", path, opts?.query));
      return inner.stream(path, opts);
    },
    close: () => inner.close(),
  };
  return { client, writes, calls };
}

async function until(ms: number, fn: () => boolean): Promise<void> {
  const end = Date.now() + ms;
  while (!fn()) {
    if (Date.now() > end) throw new Error("Timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

Deno.test({
  name:
    "Controller writes exactly status, NetworkPolicy, token Secret, pod, service and event for a request",

  async fn() {
    const cluster = await startCluster();
    const base = createKubeClient(await loadClusterAccess({ kubeconfig: cluster.kubeconfigPath }));
    const { client, writes, calls } = recording(base);
    const log = createLogger({}, { level: "error" });
    const cache = new Cache(client, { log, namespace: "default" });
    const tokenKey = await importTokenKey(new Uint8Array(32).fill(3));
    const controller = new Controller({
      tokenKey,
      client,
      cache,
      log,
      settings: { gatewayImage: "ghcr.io/nwrx/nmcp:dev", operatorNamespace: "nmcp-system" },
      activity: new Map(),
      events: new EventRecorder(client, log),
      resolveEntrypoint: () => Promise.resolve({ error: "unused" }),
    });
    try {
      for (const crd of allCrds()) {
        await base.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
          body: crd,
        });
      }
      await cache.start();
      controller.start();
      const path = resourcePath(RESOURCES.servers, "default");
      const body: MCPServer = {
        apiVersion: "nmcp.nwrx.io/v1",
        kind: "MCPServer",
        metadata: { name: "a", namespace: "default" },
        spec: { image: "mcp/everything", command: ["mcp-server-everything"], args: ["stdio"] },
      };
      await base.request("POST", path, { body });
      await until(10_000, () => cache.servers.store.get("default/a")?.status?.phase === "Idle");
      await until(500, () => controller.queue.length === 0);
      assert.deepEqual(writes, [
        "PATCH /apis/nmcp.nwrx.io/v1/namespaces/default/mcpservers/a/status",
      ]);
      writes.length = 0;
      await base.request("PATCH", `${path}/a`, {
        body: {
          metadata: { annotations: { "nmcp.nwrx.io/requested-at": new Date().toISOString() } },
        },
        contentType: "application/merge-patch+json",
      });
      await until(10_000, () => writes.some((w) => w.includes("/events")));
      assert.deepEqual(writes.slice(0, 6), [
        "PATCH /apis/nmcp.nwrx.io/v1/namespaces/default/mcpservers/a/status",
        "PATCH /apis/networking.k8s.io/v1/namespaces/default/networkpolicies/mcp-a",
        "PATCH /api/v1/namespaces/default/secrets/mcp-a-token",
        "POST /api/v1/namespaces/default/pods",
        "POST /api/v1/namespaces/default/services",
        "POST /api/v1/namespaces/default/events",
      ]);
      const server = cache.servers.store.get("default/a")!;
      assert.equal(server.status?.phase, "Starting");
      const secret = await base.request<{ data: { token: string }; metadata: Pod["metadata"] }>(
        "GET",
        "/api/v1/namespaces/default/secrets/mcp-a-token",
      );
      assert.equal(
        atob(secret.data.token),
        await deriveServerToken(tokenKey, server.metadata.uid!),
      );
      assert.equal(secret.metadata.ownerReferences?.[0].uid, server.metadata.uid);
      const policy = await base.request<NetworkPolicy>(
        "GET",
        "/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/mcp-a",
      );
      assert.deepEqual(policy.spec.policyTypes, ["Ingress", "Egress"]);
      const pods = await base.request<{ items: Pod[] }>("GET", "/api/v1/namespaces/default/pods");
      const gateway = pods.items[0].spec.initContainers!.find((c) => c.name === "nmcp-gateway")!;
      assert.ok(gateway.command!.includes("--token-file"));

      // Someone edits the policy: the controller puts it back.
      writes.length = 0;
      await base.request(
        "PATCH",
        "/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/mcp-a",
        {
          body: { spec: { egress: [{}] } },
          contentType: "application/merge-patch+json",
        },
      );
      await until(
        10_000,
        () =>
          writes.includes(
            "PATCH /apis/networking.k8s.io/v1/namespaces/default/networkpolicies/mcp-a",
          ),
      );
      await until(
        10_000,
        () =>
          JSON.stringify(cache.networkPolicies?.store.get("default/mcp-a")?.spec.egress) ===
            JSON.stringify(policy.spec.egress),
      );
      // Everything the controller did, its ClusterRole allows (and it never read a Secret).
      assert.deepEqual(calls.filter((a) => !rulesAllow(operatorRules(), a)), []);
      assert.ok(calls.some((a) => a.resource === "networkpolicies" && a.verb === "watch"));
      const reads = ["get", "list", "watch"];
      assert.ok(!calls.some((a) => a.resource === "secrets" && reads.includes(a.verb)));
    } finally {
      await controller.stop();
      await cache.stop();
      base.close();
      await cluster.stop();
    }
  },
});
