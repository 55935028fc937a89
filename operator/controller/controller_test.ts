import assert from "node:assert/strict";
import { allCrds, type MCPServer } from "../../lib/api/mod.ts";
import { createLogger } from "../../lib/log.ts";
import { startCluster } from "../../tests/harness/mod.ts";
import { deriveServerToken, importTokenKey } from "../auth/server_token.ts";
import type { NetworkPolicy, Pod } from "../build/types.ts";
import { EventRecorder } from "../events.ts";
import {
  createKubeClient,
  type KubeClient,
  loadClusterAccess,
  resourcePath,
  RESOURCES,
} from "../../lib/kube/mod.ts";
import { operatorRules } from "../../lib/install/rbac.ts";
import { attributesOf, type RequestAttributes, rulesAllow } from "./_authz_testing.ts";
import { Cache } from "./cache.ts";
import { Controller } from "./controller.ts";
import { patchStatus } from "./apply.ts";
import { startPatch, stopPatch } from "../../lib/requests.ts";
import { isWanted } from "../reconcile/request.ts";

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
    send: (method, path, opts) => {
      calls.push(attributesOf(method, path, opts?.query));
      return inner.send(method, path, opts);
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

/** A harness cluster with the CRDs, a started cache and a controller (not started) on it. */
async function setup() {
  const cluster = await startCluster();
  const base = createKubeClient(await loadClusterAccess({ kubeconfig: cluster.kubeconfigPath }));
  const rec = recording(base);
  const log = createLogger({}, { level: "error" });
  const cache = new Cache(rec.client, { log, namespace: "default" });
  const tokenKey = await importTokenKey(new Uint8Array(32).fill(3));
  const controller = new Controller({
    tokenKey,
    client: rec.client,
    cache,
    log,
    settings: { gatewayImage: "ghcr.io/nwrx/nmcp:dev", operatorNamespace: "nmcp-system" },
    activity: new Map(),
    events: new EventRecorder(rec.client, log),
    resolveEntrypoint: () => Promise.resolve({ error: "unused" }),
  });
  const stop = async () => {
    await controller.stop();
    await cache.stop();
    base.close();
    await cluster.stop();
  };
  try {
    for (const crd of allCrds()) {
      await base.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
        body: crd,
      });
    }
    await cache.start();
  } catch (err) {
    await stop();
    throw err;
  }
  return { ...rec, base, cache, controller, log, tokenKey, stop };
}

const SERVERS = resourcePath(RESOURCES.servers, "default");

/** Creates MCPServer `name` (stdio, explicit command) through `client`. */
async function createServer(
  client: KubeClient,
  name: string,
  extra: Partial<MCPServer["spec"]> = {},
) {
  const body: MCPServer = {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name, namespace: "default" },
    spec: {
      image: "mcp/everything",
      command: ["mcp-server-everything"],
      args: ["stdio"],
      ...extra,
    },
  };
  return await client.request<MCPServer>("POST", SERVERS, { body });
}

Deno.test({
  name:
    "Controller writes exactly status, NetworkPolicy, token Secret, pod, service and event for a request",

  async fn() {
    const { base, cache, controller, writes, calls, tokenKey, stop } = await setup();
    try {
      controller.start();
      const path = SERVERS;
      await createServer(base, "a");
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
      await stop();
    }
  },
});

Deno.test("Controller status writes carry their resourceVersion: a stale view gets 409", async () => {
  const { base, cache, controller, log, stop } = await setup();
  try {
    await createServer(base, "s");
    await until(5_000, () => cache.servers.store.has("default/s"));
    // A deposed leader's view: the object before the current leader wrote its status.
    const stale = structuredClone(cache.servers.store.get("default/s")!);
    await controller.reconcileServer("default/s", log);
    assert.equal(cache.servers.store.get("default/s")?.status?.observedGeneration, 1);
    // The object moves on again (a spec change).
    await base.request("PATCH", `${SERVERS}/s`, {
      body: { spec: { args: ["stdio", "--v2"] } },
      contentType: "application/merge-patch+json",
    });
    await until(5_000, () => cache.servers.store.get("default/s")?.metadata.generation === 2);
    const fresh = cache.servers.store.get("default/s")!;
    // A status computed from the stale object is refused, and changes nothing.
    const err = await patchStatus(base, RESOURCES.servers, stale, { phase: "Failed" }).then(
      () => undefined,
      (e) => e as { code?: number },
    );
    assert.equal(err?.code, 409);
    const live = await base.request<MCPServer>("GET", `${SERVERS}/s`);
    assert.equal(live.metadata.resourceVersion, fresh.metadata.resourceVersion);
    assert.equal(live.status?.phase, "Idle");
    // The controller's own reconcile from the stale view is refused the same way …
    cache.servers.store.set("default/s", stale);
    await assert.rejects(
      controller.reconcileServer("default/s", log),
      (e: { code?: number }) => e.code === 409,
    );
    // … and the next one, from the current object, writes.
    cache.servers.store.set("default/s", fresh);
    await controller.reconcileServer("default/s", log);
    const after = await base.request<MCPServer>("GET", `${SERVERS}/s`);
    assert.equal(after.status?.observedGeneration, 2);
  } finally {
    await stop();
  }
});

Deno.test("A stop then a start written in the same millisecond leave the server wanted", async () => {
  const { base, cache, controller, log, stop } = await setup();
  const merge = (name: string, body: unknown) =>
    base.request<MCPServer>("PATCH", `${SERVERS}/${name}`, {
      body,
      contentType: "application/merge-patch+json",
    });
  try {
    const at = new Date();
    for (const name of ["x", "y"]) await createServer(base, name);
    // x: start, stop, start, all at one instant (the CLI's `stop X; start X` in one second).
    await merge("x", startPatch(at));
    await merge("x", stopPatch(at));
    const x = await merge("x", startPatch(at));
    assert.equal(x.metadata.annotations?.["nmcp.nwrx.io/stop-requested-at"], undefined);
    assert.equal(isWanted(x), true);
    // y: start then stop at one instant: stopped.
    await merge("y", startPatch(at));
    assert.equal(isWanted(await merge("y", stopPatch(at))), false);
    await until(
      5_000,
      () =>
        cache.servers.store.get("default/x")?.metadata.resourceVersion ===
          x.metadata.resourceVersion,
    );
    await controller.reconcileServer("default/x", log);
    assert.equal(cache.servers.store.get("default/x")?.status?.phase, "Starting");
  } finally {
    await stop();
  }
});

Deno.test("A pod the API server refuses (403) becomes a condition and an Event, retried with backoff", async () => {
  const { base, cache, controller, writes, stop } = await setup();
  const key = "default/sa";
  const status = () => cache.servers.store.get(key)?.status;
  const podPosts = () => writes.filter((w) => w === "POST /api/v1/namespaces/default/pods").length;
  try {
    await createServer(base, "sa", { serviceAccountName: "ghost" });
    await base.request("PATCH", `${SERVERS}/sa`, {
      body: startPatch(new Date()),
      contentType: "application/merge-patch+json",
    });
    controller.start();
    const condition = () => status()?.conditions?.find((c) => c.type === "Configured");
    await until(10_000, () => condition()?.reason === "Rejected");
    assert.equal(status()?.phase, "Degraded");
    assert.equal(condition()?.status, "False");
    assert.match(
      condition()!.message,
      /^Cannot create pod "sa-[0-9a-f]+": .*serviceaccount "ghost" not found/,
    );
    const events = await base.request<
      { items: { reason: string; type: string; message: string }[] }
    >(
      "GET",
      "/api/v1/namespaces/default/events",
    );
    const warning = events.items.find((e) => e.reason === "Rejected");
    assert.equal(warning?.type, "Warning");
    assert.equal(warning?.message, condition()!.message);
    // Backoff, not a hot loop: attempts at 0, 1 s and 3 s at most in 3.5 s.
    const first = podPosts();
    await new Promise((r) => setTimeout(r, 3_500));
    const attempts = podPosts();
    assert.ok(attempts - first <= 2 && attempts >= 2, `${attempts} pod creations in ~3.5 s`);
    // A spec change is tried at once, and clears the condition.
    await base.request("PATCH", `${SERVERS}/sa`, {
      body: { spec: { serviceAccountName: null } },
      contentType: "application/merge-patch+json",
    });
    await until(5_000, () => cache.podsOf(cache.servers.store.get(key)!).length === 1);
    await until(5_000, () => condition()?.status === "True");
    assert.equal(status()?.phase, "Starting");
  } finally {
    await stop();
  }
});
