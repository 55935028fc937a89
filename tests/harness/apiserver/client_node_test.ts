import assert from "node:assert/strict";
import * as k8s from "@kubernetes/client-node";
import { startApiServer } from "./mod.ts";
import { waitFor } from "./_testing.ts";

const CRD_PATH = new URL("../../../crds/nmcp.nwrx.io_mcpservers.yaml", import.meta.url);

function config(kubeconfigPath: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromFile(kubeconfigPath);
  return kc;
}

function code(e: unknown): number | undefined {
  return e instanceof k8s.ApiException ? e.code : undefined;
}

Deno.test("client-node CoreV1Api and CustomObjectsApi create, read, patch, replace and delete", async () => {
  const server = await startApiServer();
  try {
    const kc = config(server.kubeconfigPath);
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const cm = await core.createNamespacedConfigMap({
      namespace: "default",
      body: { metadata: { name: "c1", labels: { app: "x" } }, data: { a: "1" } },
    });
    assert.equal(cm.metadata?.resourceVersion !== undefined, true);
    const listed = await core.listNamespacedConfigMap({
      namespace: "default",
      labelSelector: "app in (x,y)",
    });
    assert.deepEqual(listed.items.map((i) => i.metadata?.name), ["c1"]);
    cm.data = { a: "2" };
    const replaced = await core.replaceNamespacedConfigMap({
      name: "c1",
      namespace: "default",
      body: cm,
    });
    assert.equal(replaced.data?.a, "2");
    const stale = await core.replaceNamespacedConfigMap({
      name: "c1",
      namespace: "default",
      body: cm,
    })
      .catch((e) => e);
    assert.equal(code(stale), 409);
    assert.match(JSON.parse(stale.body).message, /the object has been modified/);
    const missing = await core.readNamespacedSecret({ name: "nope", namespace: "default" }).catch((
      e,
    ) => e);
    assert.equal(code(missing), 404);
    assert.equal(JSON.parse(missing.body).reason, "NotFound");

    const yaml = await import("yaml");
    const crdType = server.api.registry.find(
      "apiextensions.k8s.io",
      "v1",
      "customresourcedefinitions",
    )!;
    server.api.create(crdType, undefined, yaml.parse(await Deno.readTextFile(CRD_PATH)));
    const co = kc.makeApiClient(k8s.CustomObjectsApi);
    const ref = {
      group: "nmcp.nwrx.io",
      version: "v1",
      namespace: "default",
      plural: "mcpservers",
    };
    const made = await co.createNamespacedCustomObject({
      ...ref,
      body: {
        apiVersion: "nmcp.nwrx.io/v1",
        kind: "MCPServer",
        metadata: { name: "m1" },
        spec: { image: "a" },
      },
    });
    assert.equal(made.spec.transport.type, "stdio");
    const bad = await co.createNamespacedCustomObject({
      ...ref,
      body: {
        apiVersion: "nmcp.nwrx.io/v1",
        kind: "MCPServer",
        metadata: { name: "m2" },
        spec: {},
      },
    }).catch((e) => e);
    assert.equal(code(bad), 422);
    assert.equal(
      JSON.parse(bad.body).message,
      'MCPServer.nmcp.nwrx.io "m2" is invalid: spec: Invalid value: "object": exactly one of image and package must be set (or neither, with toolSelector)',
    );
    const patched = await co.patchNamespacedCustomObject(
      { ...ref, name: "m1", body: { spec: { image: "b" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.MergePatch),
    );
    assert.equal(patched.spec.image, "b");
    assert.equal(patched.metadata.generation, 2);
    const smp = await co.patchNamespacedCustomObject(
      { ...ref, name: "m1", body: { spec: { image: "c" } } },
      k8s.setHeaderOptions("Content-Type", k8s.PatchStrategy.StrategicMergePatch),
    ).catch((e) => e);
    assert.equal(code(smp), 415);
    await co.deleteNamespacedCustomObject({ ...ref, name: "m1" });
    const gone = await co.getNamespacedCustomObject({ ...ref, name: "m1" }).catch((e) => e);
    assert.equal(code(gone), 404);
  } finally {
    await server.stop();
  }
});

Deno.test("client-node leases accept V1MicroTime and reject a millisecond Date with 400", async () => {
  const server = await startApiServer();
  try {
    const co = config(server.kubeconfigPath).makeApiClient(k8s.CoordinationV1Api);
    const now = new k8s.V1MicroTime();
    const lease = await co.createNamespacedLease({
      namespace: "default",
      body: {
        metadata: { name: "leader" },
        spec: { holderIdentity: "a", leaseDurationSeconds: 15, renewTime: now, acquireTime: now },
      },
    });
    assert.equal(lease.spec?.holderIdentity, "a");
    const stored = server.api.get(
      server.api.registry.find("coordination.k8s.io", "v1", "leases")!,
      "default",
      "leader",
    );
    assert.match(String((stored.spec as { renewTime: string }).renewTime), /\.\d{6}Z$/);
    lease.spec!.holderIdentity = "b";
    const next = await co.replaceNamespacedLease({
      name: "leader",
      namespace: "default",
      body: lease,
    });
    assert.equal(next.spec?.holderIdentity, "b");
    const bad = await co.createNamespacedLease({
      namespace: "default",
      body: { metadata: { name: "l2" }, spec: { renewTime: new Date() as k8s.V1MicroTime } },
    }).catch((e) => e);
    assert.equal(code(bad), 400);
  } finally {
    await server.stop();
  }
});

Deno.test("client-node informer keeps receiving after the server closes watches and after a 410", async () => {
  const server = await startApiServer();
  const kc = config(server.kubeconfigPath);
  const core = kc.makeApiClient(k8s.CoreV1Api);
  let lists = 0;
  const informer = k8s.makeInformer(
    kc,
    "/api/v1/namespaces/default/configmaps",
    () => {
      lists++;
      return core.listNamespacedConfigMap({ namespace: "default" });
    },
  );
  const seen = new Set<string>();
  informer.on("add", (o) => seen.add(`add:${o.metadata?.name}`));
  informer.on("update", (o) => seen.add(`update:${o.metadata?.name}:${o.data?.v}`));
  informer.on("delete", (o) => seen.add(`delete:${o.metadata?.name}`));
  try {
    await informer.start();
    const cmType = server.api.registry.find("", "v1", "configmaps")!;
    server.api.create(cmType, "default", { metadata: { name: "one" }, data: { v: "1" } });
    await waitFor(() => seen.has("add:one"), 5000, "add:one");
    server.closeWatches();
    server.api.create(cmType, "default", { metadata: { name: "two" } });
    await waitFor(() => seen.has("add:two"), 5000, "add:two after a closed watch");
    server.closeWatches();
    for (let i = 0; i < 1100; i++) {
      server.api.update(cmType, "default", "one", {
        metadata: { name: "one" },
        data: { v: String(i) },
      });
    }
    server.api.create(cmType, "default", { metadata: { name: "three" } });
    await waitFor(
      () => seen.has("add:three") && seen.has("update:one:1099"),
      8000,
      "re-list after 410",
    );
    assert.equal(lists, 2, "one list at start, one after the 410");
    server.api.delete(cmType, "default", "two");
    await waitFor(() => seen.has("delete:two"), 5000, "delete:two");
    assert.deepEqual(informer.list("default").map((o) => o.metadata?.name).sort(), [
      "one",
      "three",
    ]);
  } finally {
    await informer.stop();
    await server.stop();
  }
});
