import assert from "node:assert/strict";
import { readKubeconfig } from "./target.ts";

function kubeconfig(name: string, server: string, extra: { ns?: string; user?: object } = {}) {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": name,
    clusters: [{ name, cluster: { server } }],
    users: [{ name, user: extra.user ?? { token: `t-${name}` } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: extra.ns } }],
  });
}

async function withFiles(fn: (a: string, b: string, c: string) => void): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a`, kubeconfig("a", "https://127.0.0.1:1", { ns: "team" }));
    await Deno.writeTextFile(`${dir}/b`, kubeconfig("b", "https://127.0.0.1:2"));
    await Deno.writeTextFile(
      `${dir}/c`,
      kubeconfig("c", "https://127.0.0.1:3", { user: { exec: { command: "x" } } }),
    );
    fn(`${dir}/a`, `${dir}/b`, `${dir}/c`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("readKubeconfig() merges KUBECONFIG files: first current-context and names win", async () => {
  await withFiles((a, b) => {
    const v = readKubeconfig({}, { KUBECONFIG: `${a}:${b}:/nonexistent` });
    assert.equal(v.context, "a");
    assert.equal(v.namespace, "team");
    assert.equal(v.server, "https://127.0.0.1:1");
    assert.deepEqual(v.contexts, ["a", "b"]);
    assert.equal(v.needsClientNode, true, "merged files go through client-node");
  });
});

Deno.test("readKubeconfig() honours --kubeconfig and --context, and flags exec users", async () => {
  await withFiles((a, b, c) => {
    const single = readKubeconfig({ kubeconfig: b }, { KUBECONFIG: a });
    assert.equal(single.context, "b");
    assert.equal(single.needsClientNode, false);
    assert.equal(readKubeconfig({ kubeconfig: c }, {}).needsClientNode, true);
    assert.throws(
      () => readKubeconfig({ kubeconfig: a, context: "zzz" }, {}),
      /Cannot use context "zzz": not found in kubeconfig/,
    );
    assert.throws(
      () => readKubeconfig({}, { KUBECONFIG: `${a}.missing` }),
      /Cannot load kubeconfig ".*missing": file not found/,
    );
  });
});
