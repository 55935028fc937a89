import assert from "node:assert/strict";
import { waitFor } from "./_testing.ts";
import { startApiServer } from "./mod.ts";
import type { Obj } from "./patch.ts";

type M = {
  name: string;
  uid: string;
  resourceVersion: string;
  generation?: number;
  deletionTimestamp?: string;
};
const meta = (o: Obj) => o.metadata as M;

Deno.test("Api create sets uid, generateName, rv counter; status subresource and generation rules", async () => {
  const s = await startApiServer({ http: true });
  try {
    const api = s.api;
    const deploy = api.registry.find("apps", "v1", "deployments")!;
    const tpl = {
      metadata: { labels: { a: "b" } },
      spec: { containers: [{ name: "c", image: "i" }] },
    };
    const body = {
      metadata: { generateName: "d-" },
      spec: { selector: { matchLabels: { a: "b" } }, template: tpl },
      status: { replicas: 9 },
    };
    const created = api.create(deploy, "default", body).obj;
    assert.match(meta(created).name, /^d-[a-z0-9]{5}$/);
    assert.equal(meta(created).generation, 1);
    assert.notEqual((created.status as { replicas?: number }).replicas, 9);
    const rv1 = Number(meta(created).resourceVersion);
    const name = meta(created).name;
    const labelled = api.patch(deploy, "default", name, "application/merge-patch+json", {
      metadata: { labels: { x: "y" } },
    }).obj;
    assert.equal(meta(labelled).generation, 1, "metadata changes keep generation");
    assert.ok(Number(meta(labelled).resourceVersion) > rv1);
    const scaled = api.patch(deploy, "default", name, "application/json-patch+json", [{
      op: "replace",
      path: "/spec/replicas",
      value: 3,
    }]).obj;
    assert.equal(meta(scaled).generation, 2);
    const st = api.update(deploy, "default", name, {
      ...scaled,
      spec: { replicas: 7 },
      status: { observedGeneration: 2 },
    }, { subresource: "status" }).obj;
    assert.equal((st.spec as { replicas: number }).replicas, 3, "status update ignores spec");
    assert.equal(meta(st).generation, 2);
    const same = api.update(deploy, "default", name, st);
    assert.equal(
      meta(same.obj).resourceVersion,
      meta(st).resourceVersion,
      "a no-op update keeps rv",
    );
    const dry = api.create(api.registry.find("", "v1", "configmaps")!, "default", {
      metadata: { name: "dry" },
    }, { dryRun: true });
    assert.equal(meta(dry.obj).name, "dry");
    assert.throws(
      () => api.get(api.registry.find("", "v1", "configmaps")!, "default", "dry"),
      /configmaps "dry" not found/,
    );
    assert.throws(
      () =>
        api.create(api.registry.find("", "v1", "configmaps")!, "missing", {
          metadata: { name: "x" },
        }),
      /namespaces "missing" not found/,
    );
  } finally {
    await s.stop();
  }
});

Deno.test("Api delete honours finalizers, graceful pod deletion and kubelet grace 0", async () => {
  const s = await startApiServer({ http: true });
  try {
    const api = s.api;
    const cm = api.registry.find("", "v1", "configmaps")!;
    api.create(cm, "default", { metadata: { name: "f", finalizers: ["x.io/hold"] } });
    const deleting = api.delete(cm, "default", "f");
    assert.ok(meta(deleting).deletionTimestamp);
    assert.throws(
      () =>
        api.patch(cm, "default", "f", "application/merge-patch+json", {
          metadata: { finalizers: ["x.io/hold", "y"] },
        }),
      /no new finalizers can be added if the object is being deleted/,
    );
    api.patch(cm, "default", "f", "application/merge-patch+json", {
      metadata: { finalizers: null },
    });
    assert.throws(() => api.get(cm, "default", "f"), /not found/);

    const pods = api.registry.find("", "v1", "pods")!;
    const spec = { nodeName: "n1", containers: [{ name: "c", image: "i" }] };
    api.create(pods, "default", { metadata: { name: "p" }, spec });
    const graceful = api.delete(pods, "default", "p");
    assert.ok(meta(graceful).deletionTimestamp);
    assert.equal(
      (graceful.metadata as { deletionGracePeriodSeconds: number }).deletionGracePeriodSeconds,
      30,
    );
    api.delete(pods, "default", "p", { gracePeriodSeconds: 0 });
    assert.throws(() => api.get(pods, "default", "p"), /pods "p" not found/);
    api.create(pods, "default", { metadata: { name: "q" }, spec: { containers: spec.containers } });
    api.delete(pods, "default", "q");
    assert.throws(() => api.get(pods, "default", "q"), /not found/, "unscheduled pods go at once");
  } finally {
    await s.stop();
  }
});

Deno.test("garbage collector: background, foreground and orphan propagation", async () => {
  const s = await startApiServer({ http: true });
  try {
    const api = s.api;
    const cm = api.registry.find("", "v1", "configmaps")!;
    const owner = (name: string) => api.create(cm, "default", { metadata: { name } }).obj;
    const child = (name: string, o: Obj) =>
      api.create(cm, "default", {
        metadata: {
          name,
          ownerReferences: [{
            apiVersion: "v1",
            kind: "ConfigMap",
            name: meta(o).name,
            uid: meta(o).uid,
          }],
        },
      });
    const exists = (n: string) => api.store.get("/configmaps", "default", n) !== undefined;
    child("bg-child", owner("bg"));
    api.delete(cm, "default", "bg", { propagationPolicy: "Background" });
    await waitFor(() => !exists("bg-child"), 3000, "background cascade");

    const fg = owner("fg");
    child("fg-child", fg);
    api.delete(cm, "default", "fg", { propagationPolicy: "Foreground" });
    await waitFor(() => !exists("fg-child") && !exists("fg"), 3000, "foreground cascade");

    child("or-child", owner("or"));
    api.delete(cm, "default", "or", { propagationPolicy: "Orphan" });
    await waitFor(() => !exists("or") && exists("or-child"), 3000, "orphaned child");
    assert.equal(meta(api.get(cm, "default", "or-child")).name, "or-child");
    assert.equal((api.get(cm, "default", "or-child").metadata as Obj).ownerReferences, undefined);
  } finally {
    await s.stop();
  }
});

Deno.test("namespace deletion removes its content, then the namespace; default SA appears", async () => {
  const s = await startApiServer({ http: true });
  try {
    const api = s.api;
    const ns = api.registry.find("", "v1", "namespaces")!;
    api.create(ns, undefined, { metadata: { name: "team" } });
    await waitFor(() => api.store.get("/serviceaccounts", "team", "default"), 3000, "default SA");
    api.create(api.registry.find("", "v1", "secrets")!, "team", {
      metadata: { name: "s" },
      data: {},
    });
    api.delete(ns, undefined, "team");
    assert.throws(
      () =>
        api.create(api.registry.find("", "v1", "configmaps")!, "team", {
          metadata: { name: "late" },
        }),
      /because it is being terminated/,
    );
    await waitFor(() => !api.store.get("/namespaces", undefined, "team"), 3000, "namespace gone");
    assert.equal(api.store.list("/secrets", "team").length, 0);
  } finally {
    await s.stop();
  }
});

Deno.test("dataDir persists objects, the resourceVersion counter, CA, token and port", async () => {
  const dir = await Deno.makeTempDir({ prefix: "harness-data-" });
  try {
    const a = await startApiServer({ dataDir: dir });
    const before = [a.url, a.token, a.caCertPem];
    const cm = a.api.registry.find("", "v1", "configmaps")!;
    const made = a.api.create(cm, "default", { metadata: { name: "keep" }, data: { k: "v" } }).obj;
    await a.stop();
    const b = await startApiServer({ dataDir: dir });
    try {
      assert.deepEqual([b.url, b.token, b.caCertPem], before);
      const got = b.api.get(b.api.registry.find("", "v1", "configmaps")!, "default", "keep");
      assert.deepEqual(got.data, { k: "v" });
      assert.ok(b.api.store.rv >= Number(meta(made).resourceVersion));
    } finally {
      await b.stop();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HTTP: 401 without the token; watch replays from a resourceVersion and 410s past the window", async () => {
  const s = await startApiServer({ http: true });
  try {
    const anon = await fetch(`${s.url}/api/v1/namespaces`);
    assert.equal(anon.status, 401);
    assert.equal((await anon.json()).reason, "Unauthorized");
    const h = { authorization: `Bearer ${s.token}` };
    const cm = s.api.registry.find("", "v1", "configmaps")!;
    const rv = meta(s.api.create(cm, "default", { metadata: { name: "a" } }).obj).resourceVersion;
    s.api.create(cm, "default", { metadata: { name: "b", labels: { x: "1" } } });
    const res = await fetch(
      `${s.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}&labelSelector=x%3D1&timeoutSeconds=1`,
      { headers: h },
    );
    const text = await res.text();
    const events = text.trim().split("\n").map((l) => JSON.parse(l));
    assert.deepEqual(events.map((e) => `${e.type}:${e.object.metadata.name}`), ["ADDED:b"]);
    for (let i = 0; i < 1001; i++) {
      s.api.update(cm, "default", "a", { metadata: { name: "a" }, data: { i: String(i) } });
    }
    const old = await fetch(
      `${s.url}/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=${rv}`,
      { headers: h },
    );
    const err = JSON.parse((await old.text()).trim());
    assert.equal(err.type, "ERROR");
    assert.equal(err.object.code, 410);
    assert.equal(err.object.reason, "Expired");
    const stream = await fetch(`${s.url}/api/v1/namespaces/default/pods/nope/log`, { headers: h });
    assert.equal(stream.status, 404);
    await stream.body?.cancel();
    s.api.create(s.api.registry.find("", "v1", "pods")!, "default", {
      metadata: { name: "p" },
      spec: { containers: [{ name: "c", image: "i" }] },
    });
    const noKubelet = await fetch(`${s.url}/api/v1/namespaces/default/pods/p/log`, { headers: h });
    assert.equal(noKubelet.status, 503);
    await noKubelet.body?.cancel();
    s.setPodStreamHandler((_req, pod, sub) => new Response(`${sub}:${pod.metadata.name}`));
    const served = await fetch(`${s.url}/api/v1/namespaces/default/pods/p/log?container=c`, {
      headers: h,
    });
    assert.equal(await served.text(), "log:p");
  } finally {
    await s.stop();
  }
});

Deno.test("HTTP: pods/binding schedules a pod once; nodes are served", async () => {
  const s = await startApiServer({ http: true });
  try {
    const h = { authorization: `Bearer ${s.token}`, "content-type": "application/json" };
    const node = await fetch(`${s.url}/api/v1/nodes`, {
      method: "POST",
      headers: h,
      body: JSON.stringify({
        metadata: { name: "n1" },
        status: { conditions: [{ type: "Ready", status: "True" }] },
      }),
    });
    assert.equal(node.status, 201);
    await node.body?.cancel();
    const pods = s.api.registry.find("", "v1", "pods")!;
    s.api.create(pods, "default", {
      metadata: { name: "p" },
      spec: { containers: [{ name: "c", image: "i" }] },
    });
    const bind = (n: string) =>
      fetch(`${s.url}/api/v1/namespaces/default/pods/p/binding`, {
        method: "POST",
        headers: h,
        body: JSON.stringify({
          kind: "Binding",
          metadata: { name: "p" },
          target: { kind: "Node", name: n },
        }),
      });
    const ok = await bind("n1");
    assert.equal(ok.status, 201);
    await ok.body?.cancel();
    const pod = s.api.get(pods, "default", "p") as {
      spec: { nodeName: string };
      status: { conditions: { type: string }[] };
    };
    assert.equal(pod.spec.nodeName, "n1");
    assert.deepEqual(pod.status.conditions.map((c) => c.type), ["PodScheduled"]);
    const again = await bind("n2");
    assert.equal(again.status, 409);
    await again.body?.cancel();
  } finally {
    await s.stop();
  }
});

Deno.test("HTTP: limit/continue pages a list; Warn reports pruned unknown fields in a Warning header, on create and on apply", async () => {
  const s = await startApiServer({ http: true });
  try {
    const h = { authorization: `Bearer ${s.token}`, "content-type": "application/json" };
    const cm = s.api.registry.find("", "v1", "configmaps")!;
    for (const n of ["a", "b", "c"]) s.api.create(cm, "default", { metadata: { name: n } });
    const first =
      await (await fetch(`${s.url}/api/v1/namespaces/default/configmaps?limit=2`, { headers: h }))
        .json();
    assert.deepEqual(first.items.map((i: Obj) => meta(i).name), ["a", "b"]);
    assert.equal(first.metadata.remainingItemCount, 1);
    const next = await (await fetch(
      `${s.url}/api/v1/namespaces/default/configmaps?limit=2&continue=${
        encodeURIComponent(first.metadata.continue)
      }`,
      { headers: h },
    )).json();
    assert.deepEqual(next.items.map((i: Obj) => meta(i).name), ["c"]);
    assert.equal(next.metadata.continue, undefined);

    const yaml = await import("yaml");
    const crd = yaml.parse(
      await Deno.readTextFile(
        new URL("../../../crds/nmcp.nwrx.io_mcpservers.yaml", import.meta.url),
      ),
    );
    s.api.create(
      s.api.registry.find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!,
      undefined,
      crd,
    );
    const res = await fetch(
      `${s.url}/apis/nmcp.nwrx.io/v1/namespaces/default/mcpservers?fieldValidation=Warn`,
      {
        method: "POST",
        headers: h,
        body: JSON.stringify({
          apiVersion: "nmcp.nwrx.io/v1",
          kind: "MCPServer",
          metadata: { name: "w" },
          spec: { image: "i", extra: 1 },
        }),
      },
    );
    assert.equal(res.status, 201);
    assert.equal(res.headers.get("warning"), '299 - "unknown field \\"spec.extra\\""');
    assert.equal((await res.json()).spec.extra, undefined);

    // Server-side apply prunes the applied configuration too: Warn warns and nobody owns the
    // dropped field; Strict refuses it with a 400.
    const applyUrl = `${s.url}/apis/nmcp.nwrx.io/v1/namespaces/default/mcpservers/w`;
    const applied = (validation: string) =>
      fetch(`${applyUrl}?fieldManager=m&fieldValidation=${validation}`, {
        method: "PATCH",
        headers: { ...h, "content-type": "application/apply-patch+yaml" },
        body: JSON.stringify({
          apiVersion: "nmcp.nwrx.io/v1",
          kind: "MCPServer",
          metadata: { name: "w" },
          spec: { image: "i", imagee: "j" },
        }),
      });
    const warned = await applied("Warn");
    assert.equal(warned.status, 200);
    assert.equal(warned.headers.get("warning"), '299 - "unknown field \\"spec.imagee\\""');
    const owned = (await warned.json()).metadata.managedFields
      .find((e: Obj) => e.manager === "m").fieldsV1["f:spec"];
    assert.deepEqual(Object.keys(owned).filter((k) => k.startsWith("f:")), ["f:image"]);
    const strict = await applied("Strict");
    assert.equal(strict.status, 400);
    assert.match(
      (await strict.json()).message,
      /strict decoding error: unknown field "spec.imagee"/,
    );
  } finally {
    await s.stop();
  }
});

Deno.test("CR status subresource: create drops status, main updates keep it, /status changes only status", async () => {
  const s = await startApiServer({ http: true });
  try {
    const yaml = await import("yaml");
    const crd = yaml.parse(
      await Deno.readTextFile(
        new URL("../../../crds/nmcp.nwrx.io_mcpservers.yaml", import.meta.url),
      ),
    );
    s.api.create(
      s.api.registry.find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!,
      undefined,
      crd,
    );
    const rt = s.api.registry.find("nmcp.nwrx.io", "v1", "mcpservers")!;
    assert.ok(rt.status);
    const made = s.api.create(rt, "default", {
      metadata: { name: "m" },
      spec: { image: "i" },
      status: { phase: "Ready" },
    }).obj;
    assert.equal(made.status, undefined);
    const st = s.api.patch(rt, "default", "m", "application/merge-patch+json", {
      spec: { image: "j" },
      status: { phase: "Idle" },
    }, {
      subresource: "status",
    }).obj as { spec: { image: string }; status: { phase: string } };
    assert.deepEqual([st.spec.image, st.status.phase, meta(st).generation], ["i", "Idle", 1]);
    const main = s.api.patch(rt, "default", "m", "application/merge-patch+json", {
      spec: { image: "k" },
      status: { phase: "Failed" },
    })
      .obj as { spec: { image: string }; status: { phase: string } };
    assert.deepEqual([main.spec.image, main.status.phase, meta(main).generation], ["k", "Idle", 2]);
  } finally {
    await s.stop();
  }
});

Deno.test("deployments/scale reads and writes spec.replicas; pod specs are immutable", async () => {
  const s = await startApiServer({ http: true });
  try {
    const h = {
      authorization: `Bearer ${s.token}`,
      "content-type": "application/merge-patch+json",
    };
    const deploy = s.api.registry.find("apps", "v1", "deployments")!;
    const tpl = {
      metadata: { labels: { a: "b" } },
      spec: { containers: [{ name: "c", image: "i" }] },
    };
    s.api.create(deploy, "default", {
      metadata: { name: "d" },
      spec: { selector: { matchLabels: { a: "b" } }, template: tpl },
    });
    const url = `${s.url}/apis/apps/v1/namespaces/default/deployments/d/scale`;
    const got = await (await fetch(url, { headers: h })).json();
    assert.deepEqual([got.kind, got.spec.replicas, got.status.selector], ["Scale", 1, "a=b"]);
    const res = await fetch(url, {
      method: "PATCH",
      headers: h,
      body: JSON.stringify({ spec: { replicas: 3 } }),
    });
    assert.equal((await res.json()).spec.replicas, 3);
    assert.equal((s.api.get(deploy, "default", "d").spec as { replicas: number }).replicas, 3);
    await waitFor(() => s.api.store.list("/pods", "default").length === 3, 3000, "3 pods");
    const pods = s.api.registry.find("", "v1", "pods")!;
    const pod = s.api.store.list("/pods", "default")[0];
    const name = meta(pod).name;
    assert.throws(
      () =>
        s.api.patch(pods, "default", name, "application/merge-patch+json", {
          spec: { restartPolicy: "Never" },
        }),
      /is invalid: spec: Forbidden: pod updates may not change fields other than/,
    );
    const img = s.api.patch(pods, "default", name, "application/json-patch+json", [
      { op: "replace", path: "/spec/containers/0/image", value: "j" },
    ]).obj as { spec: { containers: { image: string }[] } };
    assert.equal(img.spec.containers[0].image, "j");
  } finally {
    await s.stop();
  }
});

Deno.test("garbage collector deletes a new object whose owner does not exist", async () => {
  const s = await startApiServer({ http: true });
  try {
    const cm = s.api.registry.find("", "v1", "configmaps")!;
    const owner = s.api.create(cm, "default", { metadata: { name: "owner" } }).obj;
    const ref = (uid: string) => [{ apiVersion: "v1", kind: "ConfigMap", name: "owner", uid }];
    s.api.create(cm, "default", {
      metadata: { name: "ok", ownerReferences: ref(meta(owner).uid) },
    });
    s.api.create(cm, "default", {
      metadata: { name: "orphan", ownerReferences: ref("no-such-uid") },
    });
    await waitFor(
      () => !s.api.store.get("/configmaps", "default", "orphan"),
      3000,
      "dangling child gone",
    );
    assert.ok(s.api.store.get("/configmaps", "default", "ok"));
  } finally {
    await s.stop();
  }
});

Deno.test("a client can rewrite or clear managedFields as in Kubernetes", async () => {
  const s = await startApiServer({ http: true });
  try {
    const cm = s.api.registry.find("", "v1", "configmaps")!;
    s.api.create(cm, "default", { metadata: { name: "m" }, data: { a: "1" } }, {
      fieldManager: "creator",
    });
    const managers = () =>
      ((s.api.get(cm, "default", "m").metadata as Obj).managedFields as
        | { manager: string }[]
        | undefined)
        ?.map((e) => e.manager);
    assert.deepEqual(managers(), ["creator"]);
    s.api.patch(cm, "default", "m", "application/merge-patch+json", {
      metadata: { managedFields: [{}] },
    }, {
      fieldManager: "resetter",
    });
    assert.equal(managers(), undefined);
  } finally {
    await s.stop();
  }
});

Deno.test("HTTP: field selectors outside a kind's supported fields get 400", async () => {
  const s = await startApiServer({ http: true });
  try {
    const h = { authorization: `Bearer ${s.token}` };
    const get = async (path: string) => {
      const r = await fetch(`${s.url}${path}`, { headers: h });
      return { status: r.status, body: await r.json() };
    };
    assert.equal(
      (await get("/api/v1/pods?fieldSelector=spec.nodeName%3Dn1,status.phase%3DRunning")).status,
      200,
    );
    const bad = await get("/api/v1/configmaps?fieldSelector=data.a%3D1");
    assert.deepEqual([bad.status, bad.body.message], [400, "field label not supported: data.a"]);
    const yaml = await import("yaml");
    const crd = yaml.parse(
      await Deno.readTextFile(
        new URL("../../../crds/nmcp.nwrx.io_mcpservers.yaml", import.meta.url),
      ),
    );
    s.api.create(
      s.api.registry.find("apiextensions.k8s.io", "v1", "customresourcedefinitions")!,
      undefined,
      crd,
    );
    const cr = await get("/apis/nmcp.nwrx.io/v1/mcpservers?fieldSelector=spec.image%3Dx");
    assert.equal(cr.status, 400);
    assert.equal(
      cr.body.message,
      '"spec.image" is not a known field selector: only "metadata.name", "metadata.namespace"',
    );
  } finally {
    await s.stop();
  }
});

Deno.test("a pod naming a missing service account is refused with 403", async () => {
  const s = await startApiServer({ http: true });
  try {
    const pods = s.api.registry.find("", "v1", "pods")!;
    const pod = (sa: string) => ({
      metadata: { name: `p-${sa}` },
      spec: { serviceAccountName: sa, containers: [{ name: "c", image: "i" }] },
    });
    assert.throws(
      () => s.api.create(pods, "default", pod("robot")),
      /pods "p-robot" is forbidden: error looking up service account default\/robot: serviceaccount "robot" not found/,
    );
    s.api.create(s.api.registry.find("", "v1", "serviceaccounts")!, "default", {
      metadata: { name: "robot" },
    });
    assert.equal(meta(s.api.create(pods, "default", pod("robot")).obj).name, "p-robot");
    assert.equal(meta(s.api.create(pods, "default", pod("default")).obj).name, "p-default");
  } finally {
    await s.stop();
  }
});
