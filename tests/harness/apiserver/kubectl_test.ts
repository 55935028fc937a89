import assert from "node:assert/strict";
import { startTestCluster } from "./_testing.ts";

const CRD = await Deno.readTextFile(
  new URL("../../../crds/nmcp.nwrx.io_mcpservers.yaml", import.meta.url),
);

const SERVER = `apiVersion: nmcp.nwrx.io/v1
kind: MCPServer
metadata:
  name: s1
spec:
  image: ghcr.io/x/y:1
`;

const DEPLOY = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: c
        image: nginx:1
        env: [{name: A, value: "1"}, {name: B, value: "x"}]
        ports: [{containerPort: 80, name: http}]
`;

Deno.test("kubectl get lists the seeded namespaces and service accounts across namespaces", async () => {
  const c = await startTestCluster();
  try {
    const ns = await c.kubectl(["get", "ns"]);
    assert.equal(ns.code, 0, ns.stderr);
    assert.match(ns.stdout, /^NAME\s+STATUS\s+AGE\n/);
    assert.match(ns.stdout, /default\s+Active/);
    assert.match(ns.stdout, /kube-system\s+Active/);
    const sa = await c.kubectl(["get", "sa", "-A"]);
    assert.match(sa.stdout, /^NAMESPACE\s+NAME\s+AGE/);
    assert.match(sa.stdout, /kube-system\s+default/);
    const bad = await c.kubectl(["get", "pods", "nothere"]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /Error from server \(NotFound\): pods "nothere" not found/);
  } finally {
    await c.close();
  }
});

Deno.test("kubectl apply installs a CRD whose resources print their columns and explain", async () => {
  const c = await startTestCluster();
  try {
    const crd = await c.kubectl(["apply", "-f", "-"], CRD);
    assert.equal(crd.code, 0, crd.stderr);
    const cond = await c.kubectl([
      "wait",
      "--for=condition=Established",
      "crd/mcpservers.nmcp.nwrx.io",
      "--timeout=5s",
    ]);
    assert.equal(cond.code, 0, cond.stderr);
    const created = await c.kubectl(["apply", "-f", "-"], SERVER);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stdout, /mcpserver.nmcp.nwrx.io\/s1 created/);
    const get = await c.kubectl(["get", "mcps"]);
    assert.match(get.stdout, /^NAME\s+STATUS\s+POOL\s+TRANSPORT/);
    assert.match(get.stdout, /s1\s+default\s+stdio\s+\d+s/);
    const yaml = await c.kubectl([
      "get",
      "mcpserver",
      "s1",
      "-o",
      "jsonpath={.spec.pool}/{.metadata.generation}",
    ]);
    assert.equal(yaml.stdout, "default/1");
    const explain = await c.kubectl(["explain", "mcpservers.spec.transport"]);
    assert.equal(explain.code, 0, explain.stderr);
    assert.match(explain.stdout, /KIND:\s+MCPServer/);
    assert.match(explain.stdout, /type\s+<string> -required-/);
    const again = await c.kubectl(["apply", "-f", "-"], SERVER.replace("y:1", "y:2"));
    assert.match(again.stdout, /configured/);
    const gen = await c.kubectl([
      "get",
      "mcpserver",
      "s1",
      "-o",
      "jsonpath={.metadata.generation}",
    ]);
    assert.equal(gen.stdout, "2");
  } finally {
    await c.close();
  }
});

Deno.test("kubectl reports an invalid CR with Kubernetes' wording and rejects unknown fields", async () => {
  const c = await startTestCluster();
  try {
    await c.kubectl(["apply", "-f", "-"], CRD);
    const bad = await c.kubectl(
      ["apply", "-f", "-"],
      `apiVersion: nmcp.nwrx.io/v1
kind: MCPServer
metadata: {name: bad}
spec:
  image: i
  transport: {type: stdio, port: 80, path: /x}
`,
    );
    assert.equal(bad.code, 1);
    assert.match(
      bad.stderr,
      /The MCPServer "bad" is invalid: \n\* spec.transport.port: Forbidden: port is forbidden for the stdio transport\n\* spec.transport.path: Forbidden: path is forbidden for the stdio transport/,
    );
    const one = await c.kubectl(
      ["create", "-f", "-"],
      `apiVersion: nmcp.nwrx.io/v1
kind: MCPServer
metadata: {name: bad}
spec: {image: x, transport: {type: carrier-pigeon}}
`,
    );
    assert.match(
      one.stderr,
      /The MCPServer "bad" is invalid: spec.transport.type: Unsupported value: "carrier-pigeon": supported values: "stdio", "streamable-http", "sse"/,
    );
    const unknown = await c.kubectl(
      ["apply", "-f", "-"],
      SERVER.replace("spec:\n", "spec:\n  foo: 1\n"),
    );
    assert.match(unknown.stderr, /strict decoding error: unknown field "spec.foo"/);
  } finally {
    await c.close();
  }
});

Deno.test("kubectl replace with a stale resourceVersion gets 409 Conflict", async () => {
  const c = await startTestCluster();
  try {
    await c.kubectl(
      ["apply", "-f", "-"],
      `apiVersion: v1
kind: ConfigMap
metadata: {name: cfg}
data: {a: "1"}
`,
    );
    const live = await c.kubectl(["get", "cm", "cfg", "-o", "json"]);
    const obj = JSON.parse(live.stdout);
    obj.data.a = "2";
    const ok = await c.kubectl(["replace", "-f", "-"], JSON.stringify(obj));
    assert.equal(ok.code, 0, ok.stderr);
    obj.data.a = "3";
    const stale = await c.kubectl(["replace", "-f", "-"], JSON.stringify(obj));
    assert.equal(stale.code, 1);
    assert.match(
      stale.stderr,
      /Error from server \(Conflict\).*Operation cannot be fulfilled on configmaps "cfg": the object has been modified; please apply your changes to the latest version and try again/,
    );
  } finally {
    await c.close();
  }
});

Deno.test("kubectl apply merges a deployment strategically; the controller makes pods, endpoints follow", async () => {
  const c = await startTestCluster();
  try {
    const a = await c.kubectl(
      ["apply", "-f", "-"],
      DEPLOY + `---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: http}]
`,
    );
    assert.equal(a.code, 0, a.stderr);
    const pods = await c.kubectl(["get", "pods", "-l", "app=web", "-o", "wide"]);
    assert.match(pods.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE/);
    assert.equal(pods.stdout.match(/web-[a-z0-9]+-[a-z0-9]{5}\s+0\/1\s+Pending/g)?.length, 2);
    const b = await c.kubectl(
      ["apply", "-f", "-"],
      DEPLOY.replace(', {name: B, value: "x"}', "").replace('value: "1"', 'value: "2"'),
    );
    assert.match(b.stdout, /configured/);
    const env = await c.kubectl([
      "get",
      "deploy",
      "web",
      "-o",
      "jsonpath={.spec.template.spec.containers[0].env}",
    ]);
    assert.deepEqual(JSON.parse(env.stdout), [{ name: "A", value: "2" }]);
    const api = c.server.api;
    const podType = api.registry.find("", "v1", "pods")!;
    for (const p of api.list(podType, "default").items) {
      const st = {
        ...p,
        status: {
          phase: "Running",
          podIP: "10.0.0.7",
          conditions: [{ type: "Ready", status: "True" }],
        },
      };
      api.update(podType, "default", String((p.metadata as { name: string }).name), st, {
        subresource: "status",
      });
    }
    const wait = await c.kubectl([
      "wait",
      "--for=condition=Available",
      "deploy/web",
      "--timeout=5s",
    ]);
    assert.equal(wait.code, 0, wait.stderr);
    const ep = await c.kubectl([
      "get",
      "endpoints",
      "web",
      "-o",
      "jsonpath={.subsets[0].addresses[*].ip}:{.subsets[0].ports[0].port}",
    ]);
    assert.equal(ep.stdout, "10.0.0.7 10.0.0.7:80");
    const del = await c.kubectl(["delete", "deploy", "web"]);
    assert.equal(del.code, 0, del.stderr);
    const left = await c.kubectl(["get", "pods", "-o", "name"]);
    assert.equal(left.stdout, "");
  } finally {
    await c.close();
  }
});

Deno.test("kubectl apply --server-side owns fields and a conflicting manager gets 409 unless forced", async () => {
  const c = await startTestCluster();
  try {
    const cm = `apiVersion: v1
kind: ConfigMap
metadata: {name: ssa}
data: {a: "1", b: "2"}
`;
    const first = await c.kubectl(["apply", "--server-side", "-f", "-"], cm);
    assert.equal(first.code, 0, first.stderr);
    assert.match(first.stdout, /serverside-applied/);
    const other = await c.kubectl(
      ["apply", "--server-side", "--field-manager=other", "-f", "-"],
      cm.replace('a: "1", b: "2"', 'a: "9"'),
    );
    assert.equal(other.code, 1);
    assert.match(
      other.stderr,
      /Apply failed with 1 conflict: conflict with "kubectl" using v1: .data.a/,
    );
    const forced = await c.kubectl([
      "apply",
      "--server-side",
      "--force-conflicts",
      "--field-manager=other",
      "-f",
      "-",
    ], cm.replace('a: "1", b: "2"', 'a: "9"'));
    assert.equal(forced.code, 0, forced.stderr);
    const dropB = await c.kubectl(
      ["apply", "--server-side", "-f", "-"],
      `apiVersion: v1
kind: ConfigMap
metadata: {name: ssa}
data: {}
`,
    );
    assert.equal(dropB.code, 0, dropB.stderr);
    const data = await c.kubectl(["get", "cm", "ssa", "-o", "jsonpath={.data}"]);
    assert.deepEqual(JSON.parse(data.stdout), { a: "9" });
  } finally {
    await c.close();
  }
});

Deno.test("kubectl get -w streams Table rows; describe, -A, graceful delete and wait --for=delete", async () => {
  const c = await startTestCluster();
  try {
    await c.kubectl(
      ["create", "-f", "-"],
      `apiVersion: v1
kind: Pod
metadata: {name: p1, labels: {app: x}}
spec:
  containers: [{name: c, image: busybox:1}]
`,
    );
    const watching = c.kubectl(["get", "pods", "-w", "--request-timeout=2s"]);
    await new Promise((r) => setTimeout(r, 700));
    const lab = await c.kubectl(["label", "pod", "p1", "tier=web"]);
    assert.equal(lab.code, 0, lab.stderr);
    const w = await watching;
    assert.match(w.stdout, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\n/);
    assert.equal(w.stdout.match(/p1\s+0\/1\s+Pending\s+0/g)?.length, 2);
    const d = await c.kubectl(["describe", "pod", "p1"]);
    assert.equal(d.code, 0, d.stderr);
    assert.match(d.stdout, /Name:\s+p1/);
    assert.match(d.stdout, /tier=web/);
    const all = await c.kubectl(["get", "pods", "-A"]);
    assert.match(all.stdout, /^NAMESPACE\s+NAME\s+READY/);
    assert.match(all.stdout, /default\s+p1\s+0\/1/);
    const api = c.server.api;
    const pods = api.registry.find("", "v1", "pods")!;
    const live = api.get(pods, "default", "p1");
    api.update(pods, "default", "p1", {
      ...live,
      spec: { ...(live.spec as object), nodeName: "n1" },
    });
    const del = await c.kubectl(["delete", "pod", "p1", "--wait=false"]);
    assert.equal(del.code, 0, del.stderr);
    const term = await c.kubectl(["get", "pod", "p1", "--no-headers"]);
    assert.match(term.stdout, /p1\s+0\/1\s+Terminating/);
    const waiting = c.kubectl(["wait", "--for=delete", "pod/p1", "--timeout=5s"]);
    await new Promise((r) => setTimeout(r, 500));
    api.delete(pods, "default", "p1", { gracePeriodSeconds: 0 });
    const w2 = await waiting;
    assert.equal(w2.code, 0, w2.stderr);
  } finally {
    await c.close();
  }
});

Deno.test("kubectl create generators (protobuf bodies) make namespaces, secrets, deployments and services", async () => {
  const c = await startTestCluster();
  try {
    for (
      const args of [
        ["create", "namespace", "team"],
        ["create", "secret", "generic", "s1", "-n", "team", "--from-literal=pw=hunter2"],
        [
          "create",
          "deployment",
          "web",
          "-n",
          "team",
          "--image=nginx:1",
          "--replicas=2",
          "--port=80",
        ],
        ["expose", "deployment", "web", "-n", "team", "--port=8080", "--target-port=80"],
      ]
    ) {
      const r = await c.kubectl(args);
      assert.equal(r.code, 0, `${args.join(" ")}: ${r.stderr}`);
    }
    const secret = await c.kubectl([
      "get",
      "secret",
      "s1",
      "-n",
      "team",
      "-o",
      "jsonpath={.data.pw}",
    ]);
    assert.equal(atob(secret.stdout), "hunter2");
    const svc = await c.kubectl([
      "get",
      "svc",
      "web",
      "-n",
      "team",
      "-o",
      "jsonpath={.spec.selector.app}:{.spec.ports[0].targetPort}",
    ]);
    assert.equal(svc.stdout, "web:80");
    const pods = await c.kubectl(["get", "pods", "-n", "team", "-o", "name"]);
    assert.equal(pods.stdout.trim().split("\n").length, 2);
  } finally {
    await c.close();
  }
});
