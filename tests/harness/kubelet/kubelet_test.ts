import assert from "node:assert/strict";
import { groupAlive, until } from "../_testing.ts";
import { withFakeCluster } from "./fake_api_test_util.ts";

const sh = (script: string) => ({ image: "busybox:1.36", command: ["sh", "-c", script] });

Deno.test("kubelet runs init, native sidecar and main sharing an emptyDir, then terminates", async () => {
  await withFakeCluster(async (api, kubelet) => {
    api.createPod({
      metadata: { name: "web" },
      spec: {
        terminationGracePeriodSeconds: 5,
        volumes: [{ name: "shared", emptyDir: {} }],
        initContainers: [
          {
            name: "init",
            ...sh("echo init > /nmcp-kt/init"),
            volumeMounts: [{ name: "shared", mountPath: "/nmcp-kt" }],
          },
          {
            name: "side",
            ...sh("echo side > /nmcp-kt/side; trap 'exit 0' TERM; while true; do sleep 0.1; done"),
            restartPolicy: "Always",
            startupProbe: { exec: { command: ["cat", "/nmcp-kt/side"] }, periodSeconds: 1 },
            volumeMounts: [{ name: "shared", mountPath: "/nmcp-kt" }],
          },
        ],
        containers: [{
          name: "main",
          ...sh("cat /nmcp-kt/init /nmcp-kt/side; echo pod=$POD ip=$IP; exec sleep 60"),
          env: [
            { name: "POD", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
            { name: "IP", valueFrom: { fieldRef: { fieldPath: "status.podIP" } } },
          ],
          volumeMounts: [{ name: "shared", mountPath: "/nmcp-kt" }],
        }],
      },
    });
    const pod = await until("Ready", () => {
      const p = api.get("default", "web");
      return p?.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True") && p;
    });
    assert.equal(pod.spec.nodeName, "harness-node");
    assert.equal(pod.status?.phase, "Running");
    assert.ok(pod.status?.podIP?.startsWith(`${kubelet.podIpPrefix}.`), String(pod.status?.podIP));
    assert.equal(pod.status?.initContainerStatuses?.[0].state.terminated?.reason, "Completed");
    assert.ok(pod.status?.initContainerStatuses?.[1].state.running);
    const log = async () =>
      await (await fetch(`${api.url}/api/v1/namespaces/default/pods/web/log?container=main`))
        .text();
    const text = await until("main's output", async () => {
      const t = await log();
      return t.includes("pod=") && t;
    });
    assert.equal(text, `init\nside\npod=web ip=${pod.status?.podIP}\n`);
    const noName = await fetch(`${api.url}/api/v1/namespaces/default/pods/web/log?container=nope`);
    assert.equal(noName.status, 400);
    assert.match((await noName.json()).message, /container nope is not valid for pod web/);
    const worker = kubelet.worker(pod.metadata.uid)!;
    const pids = ["side", "main"].map((c) => worker.container(c)!.process!.pid);
    assert.ok(pids.every(groupAlive));
    const t0 = Date.now();
    api.deletePod("default", "web");
    await until("pod removed", () => !api.get("default", "web"));
    assert.ok(Date.now() - t0 < 4000, "SIGTERM ends both well before the grace period");
    assert.deepEqual(pids.map(groupAlive), [false, false]);
    assert.equal(kubelet.worker(pod.metadata.uid), undefined);
  });
});

Deno.test("kubelet shows CrashLoopBackOff, previous logs, readiness gating, liveness restarts, hostNetwork, ErrImagePull", async () => {
  await withFakeCluster(async (api, kubelet) => {
    api.createPod({
      metadata: { name: "crash" },
      spec: {
        volumes: [{ name: "n", emptyDir: {} }],
        containers: [{
          name: "c",
          ...sh(
            "n=$(($(cat /nmcp-kt-n/n || echo 0) + 1)); echo $n > /nmcp-kt-n/n; echo run $n; exit 3",
          ),
          volumeMounts: [{ name: "n", mountPath: "/nmcp-kt-n" }],
        }],
      },
    });
    api.createPod({
      metadata: { name: "slow" },
      spec: {
        volumes: [{ name: "w", emptyDir: {} }],
        containers: [{
          name: "c",
          ...sh("sleep 1; touch /nmcp-kt-w/ready; exec sleep 60"),
          volumeMounts: [{ name: "w", mountPath: "/nmcp-kt-w" }],
          readinessProbe: { exec: { command: ["cat", "/nmcp-kt-w/ready"] }, periodSeconds: 1 },
        }],
      },
    });
    api.createPod({
      metadata: { name: "live" },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [{
          name: "c",
          ...sh("exec sleep 60"),
          livenessProbe: { exec: { command: ["false"] }, periodSeconds: 1, failureThreshold: 1 },
        }],
      },
    });
    api.createPod({
      metadata: { name: "hostnet" },
      spec: { hostNetwork: true, containers: [{ name: "c", ...sh("exec sleep 60") }] },
    });
    api.createPod({
      metadata: { name: "nope" },
      spec: { containers: [{ name: "c", image: "registry.invalid/nope:1" }] },
    });
    const running = await until("slow running", () => {
      const s = api.get("default", "slow")?.status;
      return s?.containerStatuses?.[0]?.state.running && s;
    });
    assert.equal(running.conditions?.find((c) => c.type === "Ready")?.status, "False");
    const ready = await until("slow ready", () => {
      const s = api.get("default", "slow")?.status;
      return s?.conditions?.find((c) => c.type === "Ready" && c.status === "True") && s;
    });
    assert.equal(ready.containerStatuses?.[0].ready, true);
    const crash = await until("crash loop", () => {
      const s = api.get("default", "crash")?.status?.containerStatuses?.[0];
      return s && s.restartCount >= 2 && s.state.waiting?.reason === "CrashLoopBackOff" && s;
    });
    assert.equal(crash.lastState.terminated?.exitCode, 3);
    assert.equal(crash.lastState.terminated?.reason, "Error");
    assert.equal(api.get("default", "crash")?.status?.phase, "Running");
    const base = `${api.url}/api/v1/namespaces/default/pods/crash/log`;
    const [current, previous] = await Promise.all(
      [base, `${base}?previous=true`].map(async (u) => await (await fetch(u)).text()),
    );
    const n = Number(/^run (\d+)\n$/.exec(current)?.[1]);
    assert.ok(n >= 2, current);
    assert.equal(previous, `run ${n - 1}\n`);
    const hostnet = await until("hostNetwork pod running", () => {
      const s = api.get("default", "hostnet")?.status;
      return s?.phase === "Running" && s;
    });
    assert.equal(hostnet.podIP, `${kubelet.podIpPrefix}.1`, "a hostNetwork pod has the node's IP");
    assert.equal(hostnet.hostIP, hostnet.podIP);
    const live = await until("liveness restart", () => {
      const s = api.get("default", "live")?.status?.containerStatuses?.[0];
      return s && s.restartCount >= 1 && s;
    });
    assert.equal(live.lastState.terminated?.exitCode, 128 + 15);
    const pull = await until("image pull back-off", () => {
      const s = api.get("default", "nope")?.status?.containerStatuses?.[0];
      return s?.state.waiting?.reason === "ImagePullBackOff" && s;
    });
    assert.equal(pull.ready, false);
    assert.equal(api.get("default", "nope")?.status?.phase, "Pending");
  });
});
