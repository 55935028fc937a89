import assert from "node:assert/strict";
import { loadConfig } from "./config.ts";

function kubeconfig(name: string, server: string, namespace?: string): string {
  return JSON.stringify({
    apiVersion: "v1",
    kind: "Config",
    "current-context": name,
    clusters: [{ name, cluster: { server, "insecure-skip-tls-verify": true } }],
    users: [{ name, user: { token: `token-${name}` } }],
    contexts: [{
      name,
      context: { cluster: name, user: name, ...(namespace ? { namespace } : {}) },
    }],
  });
}

async function withFiles(fn: (a: string, b: string) => void): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${dir}/a`, kubeconfig("a", "http://127.0.0.1:1", "team"));
    await Deno.writeTextFile(`${dir}/b`, kubeconfig("b", "http://127.0.0.1:2"));
    fn(`${dir}/a`, `${dir}/b`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("loadConfig() merges KUBECONFIG files, first current-context and namespace win", async () => {
  await withFiles((a, b) => {
    const cfg = loadConfig({}, { KUBECONFIG: `${a}:${b}` });
    assert.equal(cfg.kc.getCurrentContext(), "a");
    assert.equal(cfg.namespace, "team");
    assert.equal(cfg.kc.getContexts().length, 2);
  });
});

Deno.test("loadConfig() honours --context, -n, -A and --kubeconfig over KUBECONFIG", async () => {
  await withFiles((a, b) => {
    const env = { KUBECONFIG: `${a}:${b}` };
    const ctxB = loadConfig({ context: "b" }, env);
    assert.equal(ctxB.kc.getCurrentCluster()?.server, "http://127.0.0.1:2");
    assert.equal(ctxB.namespace, "default");
    assert.equal(loadConfig({ namespace: "x" }, env).namespace, "x");
    const all = loadConfig({ allNamespaces: true }, env);
    assert.equal(all.namespace, undefined);
    assert.equal(all.defaultNamespace, "team");
    assert.equal(loadConfig({ kubeconfig: b }, env).kc.getCurrentContext(), "b");
  });
});

Deno.test("loadConfig() explains a missing file or context", async () => {
  await withFiles((a) => {
    assert.throws(
      () => loadConfig({ context: "nope" }, { KUBECONFIG: a }),
      /Cannot use context "nope"/,
    );
    assert.throws(
      () => loadConfig({ kubeconfig: `${a}.missing` }, {}),
      /Cannot load kubeconfig ".*missing": file not found/,
    );
  });
});
