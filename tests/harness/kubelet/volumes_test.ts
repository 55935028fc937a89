import assert from "node:assert/strict";
import { containerMounts, mountScript, prepareVolumes } from "./volumes.ts";
import type { Pod } from "./types.ts";

const pod: Pod = {
  metadata: { name: "p", namespace: "ns", uid: "u" },
  spec: {
    containers: [{
      name: "c",
      image: "busybox",
      volumeMounts: [
        { name: "work", mountPath: "/nmcp-test-work" },
        { name: "cfg", mountPath: "/nmcp-test-cfg", readOnly: true },
      ],
    }],
    volumes: [
      { name: "work", emptyDir: {} },
      { name: "cfg", configMap: { name: "cm", items: [{ key: "a", path: "sub/a.txt" }] } },
    ],
  },
};

Deno.test("prepareVolumes() and mountScript() mount volumes privately for one process", async () => {
  const dir = await Deno.makeTempDir();
  try {
    const objs = { configMaps: new Map([["cm", { a: "A", b: "B" }]]), secrets: new Map() };
    const { paths, error } = await prepareVolumes(pod, dir, objs);
    assert.equal(error, undefined);
    assert.equal(await Deno.readTextFile(`${paths.get("cfg")}/sub/a.txt`), "A");
    const mounts = containerMounts(pod.spec.containers[0], paths);
    const script = mountScript(mounts, "/nmcp-test-work");
    const out = await new Deno.Command("unshare", {
      args: [
        "--mount",
        "--propagation",
        "private",
        "/bin/sh",
        "-c",
        script,
        "sh",
        "/bin/sh",
        "-c",
        "pwd; cat /nmcp-test-cfg/sub/a.txt; echo; echo hi > x; touch /nmcp-test-cfg/y || echo ro",
      ],
      stdout: "piped",
      stderr: "null",
    }).output();
    assert.equal(new TextDecoder().decode(out.stdout), "/nmcp-test-work\nA\nro\n");
    assert.equal(await Deno.readTextFile(`${paths.get("work")}/x`), "hi\n");
    const hostView = await Deno.readDir("/nmcp-test-work")[Symbol.asyncIterator]().next();
    assert.equal(hostView.done, true, "the host's mountpoint stays empty");
    const missing = await prepareVolumes(pod, dir, { configMaps: new Map(), secrets: new Map() });
    assert.equal(missing.error, 'configmap "cm" not found');
  } finally {
    await Deno.remove(dir, { recursive: true });
    await Deno.remove("/nmcp-test-work").catch(() => {});
    await Deno.remove("/nmcp-test-cfg").catch(() => {});
  }
});
