import assert from "node:assert/strict";
import {
  configMapDigests,
  containerMounts,
  mountScript,
  prepareVolumes,
  refreshConfigMaps,
} from "./volumes.ts";
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

Deno.test("mountScript() keeps harness paths visible under a volume mounted above them", async () => {
  const host = await Deno.makeTempDir({ prefix: "nmcp-keep-" });
  try {
    await Deno.mkdir(`${host}/repo`);
    await Deno.writeTextFile(`${host}/repo/source.txt`, "still here"); // no newline
    await Deno.mkdir(`${host}/vol`);
    // The volume is mounted at `host` itself, which hides host/repo unless it is kept.
    const script = mountScript([{ source: `${host}/vol`, target: host, readOnly: false }], "/", [
      `${host}/repo`,
    ]);
    const out = await new Deno.Command("unshare", {
      args: ["--mount", "--propagation", "private", "/bin/sh", "-c", script, "sh"]
        .concat(["/bin/sh", "-c", `cat ${host}/repo/source.txt; ls ${host}`]),
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.equal(out.code, 0, new TextDecoder().decode(out.stderr));
    assert.equal(new TextDecoder().decode(out.stdout), "still hererepo\n");
  } finally {
    await Deno.remove(host, { recursive: true });
  }
});

Deno.test("refreshConfigMaps() swaps ..data to the new files and leaves unchanged volumes alone", async () => {
  const dir = await Deno.makeTempDir({ prefix: "nmcp-vol-refresh-" });
  try {
    const cm = (a: string) => ({ configMaps: new Map([["cm", { a }]]), secrets: new Map() });
    const first = cm("one");
    const { paths } = await prepareVolumes(pod, dir, first);
    const cfg = paths.get("cfg")!;
    const data1 = await Deno.readLink(`${cfg}/..data`);
    assert.equal(await Deno.readLink(`${cfg}/sub`), "..data/sub");
    assert.equal(await Deno.readTextFile(`${cfg}/sub/a.txt`), "one");
    const seen = configMapDigests(pod, first);
    assert.deepEqual(await refreshConfigMaps(pod, paths, first, seen), [], "same data: no write");
    assert.equal(await Deno.readLink(`${cfg}/..data`), data1);
    assert.deepEqual(await refreshConfigMaps(pod, paths, cm("two"), seen), ["cfg"]);
    assert.equal(await Deno.readTextFile(`${cfg}/sub/a.txt`), "two");
    const data2 = await Deno.readLink(`${cfg}/..data`);
    assert.notEqual(data2, data1);
    const names = [];
    for await (const e of Deno.readDir(cfg)) names.push(e.name);
    assert.deepEqual(names.sort(), [data2, "..data", "sub"].sort(), "the old dir is gone");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
