import assert from "node:assert/strict";
import { until } from "../_testing.ts";
import { type FakeApi, withFakeCluster } from "./fake_api_test_util.ts";
import type { Pod } from "./types.ts";

const sh = (script: string) => ({ image: "busybox:1.36", command: ["sh", "-c", script] });

/** The container's log once it holds `lines` lines. */
function log(api: FakeApi, pod: string, container: string, lines: number): Promise<string> {
  const u = `${api.url}/api/v1/namespaces/default/pods/${pod}/log?container=${container}`;
  return until(`${lines} log lines of ${container}`, async () => {
    const text = await (await fetch(u)).text();
    return text.split("\n").length > lines && text;
  });
}

function procUid(pid: number): number {
  const status = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
}

const ready = (api: FakeApi, name: string) =>
  until(`${name} Ready`, () => {
    const p = api.get("default", name);
    return p?.status?.conditions?.find((c) => c.type === "Ready" && c.status === "True") && p;
  }, 30_000);

Deno.test("runAsUser/runAsGroup/fsGroup: the process, its emptyDir files and exec run as that user", async () => {
  await withFakeCluster(async (api, kubelet) => {
    api.configMaps.set("default/cfg", { "a.txt": "hello" });
    api.createPod({
      metadata: { name: "user" },
      spec: {
        securityContext: { runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, runAsNonRoot: true },
        volumes: [{ name: "w", emptyDir: {} }, { name: "cfg", configMap: { name: "cfg" } }],
        containers: [
          {
            name: "pod-level",
            ...sh(
              "id -u > /w/uid; echo $(id -u) $(id -g) $(id -G); cat /cfg/a.txt; echo; exec sleep 60",
            ),
            volumeMounts: [{ name: "w", mountPath: "/w" }, { name: "cfg", mountPath: "/cfg" }],
          },
          {
            name: "override",
            ...sh("echo $(id -u) $(id -g); exec sleep 60"),
            securityContext: { runAsUser: 2001, runAsGroup: 2002 },
          },
        ],
      },
    });
    const pod = await ready(api, "user");
    assert.equal(await log(api, "user", "pod-level", 2), "1000 3000 3000 2000\nhello\n");
    assert.equal(await log(api, "user", "override", 1), "2001 2002\n");
    const worker = kubelet.worker(pod.metadata.uid)!;
    const main = worker.container("pod-level")!;
    assert.equal(procUid(main.process!.pid), 1000);
    const run = async (script: string) => {
      const c = main.exec(["sh", "-c", script], {
        stdin: false,
        stdout: "piped",
        stderr: "piped",
      })!;
      const out = await c.output();
      return { code: out.code, text: new TextDecoder().decode(out.stdout) };
    };
    // a file written into the fsGroup emptyDir: the uid's, and the fsGroup's (setgid dir)
    assert.equal(
      (await run("stat -c '%u %g %a' /w/uid; stat -c %a /w; cat /w/uid")).text,
      "1000 2000 644\n2777\n1000\n",
    );
    assert.equal((await run("id -u")).text, "1000\n", "exec runs as the container's user");
    assert.notEqual(
      (await run("touch /etc/nmcp-runas-test")).code,
      0,
      "uid 1000 cannot write root's files",
    );
  });
});

Deno.test("runAsNonRoot refuses uid 0 like a kubelet: CreateContainerConfigError and a Failed event", async () => {
  await withFakeCluster(async (api) => {
    const noUid = api.createPod({
      metadata: { name: "nonroot" },
      spec: {
        securityContext: { runAsNonRoot: true },
        containers: [{ name: "c", ...sh("exec sleep 60") }],
      },
    });
    const zero = api.createPod({
      metadata: { name: "zero" },
      spec: {
        containers: [{
          name: "c",
          ...sh("exec sleep 60"),
          securityContext: { runAsNonRoot: true, runAsUser: 0 },
        }],
      },
    });
    const waiting = (p: Pod) =>
      until(`${p.metadata.name} refused`, () => {
        const w = api.get("default", p.metadata.name)?.status?.containerStatuses?.[0]?.state
          .waiting;
        return w?.reason === "CreateContainerConfigError" && w;
      });
    const w1 = await waiting(noUid);
    const m1 =
      `container has runAsNonRoot and image will run as root (pod: "nonroot_default(${noUid.metadata.uid})", container: c)`;
    assert.equal(w1.message, m1);
    const w2 = await waiting(zero);
    assert.equal(
      w2.message,
      `container's runAsUser breaks non-root policy (pod: "zero_default(${zero.metadata.uid})", container: c)`,
    );
    const ev = await until(
      "Failed event",
      () => api.events.find((e) => e.involvedObject.name === "nonroot" && e.reason === "Failed"),
    );
    assert.equal(ev.type, "Warning");
    assert.equal(ev.message, `Error: ${m1}`);
    assert.equal(ev.involvedObject.fieldPath, "spec.containers{c}");
    assert.equal(api.get("default", "nonroot")?.status?.phase, "Pending");
    // retries back off (200 ms, 400 ms, 800 ms, …), so Failed events do not flood the API
    await new Promise((r) => setTimeout(r, 1500));
    const failed = api.events.filter((e) => e.involvedObject.name === "nonroot").length;
    assert.ok(failed >= 2 && failed <= 5, `${failed} Failed events in ~1.5 s`);
  });
});

Deno.test("the Deno-based nmcp gateway image runs as its USER 65532 under runAsNonRoot and passes an httpGet probe", async () => {
  await withFakeCluster(async (api, kubelet) => {
    api.createPod({
      metadata: { name: "gw" },
      spec: {
        securityContext: { runAsNonRoot: true }, // no runAsUser: the image's USER 65532:65532
        containers: [{
          name: "gateway",
          image: "ghcr.io/nwrx/nmcp:dev",
          args: ["--port", "8080", "--stdio", "--per-session", "--", "cat"],
          readinessProbe: { httpGet: { path: "/healthz", port: 8080 }, periodSeconds: 1 },
        }],
      },
    });
    const pod = await ready(api, "gw");
    const proc = kubelet.worker(pod.metadata.uid)!.container("gateway")!.process!;
    const status = Deno.readTextFileSync(`/proc/${proc.pid}/status`);
    assert.match(status, /^Uid:\s+65532\s/m);
    assert.match(status, /^Gid:\s+65532\s/m);
  });
});
