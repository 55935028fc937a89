import assert from "node:assert/strict";
import { loadTarget, readKubeconfig } from "./target.ts";

function kubeconfig(name: string, server: string, extra: { ns?: string; current?: boolean } = {}) {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    ...(extra.current === false ? {} : { "current-context": name }),
    clusters: [{ name, cluster: { server } }],
    users: [{ name, user: { token: `t-${name}` } }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: extra.ns } }],
  });
}

async function withFiles(fn: (a: string, b: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a`, kubeconfig("a", "https://127.0.0.1:1", { ns: "team" }));
    await Deno.writeTextFile(`${dir}/b`, kubeconfig("b", "https://127.0.0.1:2"));
    await fn(`${dir}/a`, `${dir}/b`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadTarget() merges KUBECONFIG files: first current-context and names win", async () => {
  await withFiles(async (a, b) => {
    const env = { KUBECONFIG: `${a}:${b}:/nonexistent` };
    const t = await loadTarget({}, env);
    assert.equal(t.access.context, "a");
    assert.equal(t.namespace, "team");
    assert.equal(t.access.server, "https://127.0.0.1:1");
    assert.deepEqual(readKubeconfig({}, env).contexts, ["a", "b"]);
    const other = await loadTarget({ context: "b" }, env);
    assert.equal(other.access.server, "https://127.0.0.1:2");
    assert.deepEqual(await other.access.headers(), { authorization: "Bearer t-b" });
    assert.equal(other.namespace, "default");
    t.client.close();
    other.client.close();
  });
});

Deno.test("loadTarget() honours --kubeconfig, -n and -A, and names what is missing", async () => {
  await withFiles(async (a, b) => {
    const single = await loadTarget({ kubeconfig: b, namespace: "x" }, { KUBECONFIG: a });
    assert.equal(single.access.context, "b");
    assert.equal(single.namespace, "x");
    single.client.close();
    const over = await loadTarget({ kubeconfig: a, server: "https://o:1", token: "tk" }, {});
    assert.equal(over.access.server, "https://o:1");
    assert.deepEqual(await over.access.headers(), { authorization: "Bearer tk" });
    over.client.close();
    const all = await loadTarget({ kubeconfig: a, allNamespaces: true }, {});
    assert.equal(all.namespace, undefined);
    assert.equal(all.defaultNamespace, "team");
    all.client.close();
    await assert.rejects(
      loadTarget({ kubeconfig: a, context: "zzz" }, {}),
      /Cannot use context "zzz": not found in kubeconfig/,
    );
    await assert.rejects(
      loadTarget({}, { KUBECONFIG: `${a}.missing` }),
      /Cannot load kubeconfig ".*missing": file not found/,
    );
  });
});
