import assert from "node:assert/strict";
import { inClusterServer, loadClusterAccess } from "./access.ts";

type Doc = Record<string, unknown>;

function config(name: string, server: string, user: Doc, extra: Doc = {}): Doc {
  return {
    apiVersion: "v1",
    kind: "Config",
    clusters: [{ name, cluster: { server } }],
    users: [{ name, user }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: `ns-${name}` } }],
    ...extra,
  };
}

async function withDir(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir();
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const write = (path: string, doc: Doc) => Deno.writeTextFile(path, JSON.stringify(doc));

Deno.test("loadClusterAccess() merges a multi-file KUBECONFIG like kubectl: first file wins per name, first current-context", async () => {
  await withDir(async (dir) => {
    await write(`${dir}/a`, config("a", "https://127.0.0.1:1", { token: "tok-a" }));
    // b redefines cluster "a" (ignored: a wins) and sets current-context to "b" (ignored: a has none).
    await write(`${dir}/b`, {
      ...config("b", "https://127.0.0.1:2", { token: "tok-b" }, { "current-context": "b" }),
      clusters: [
        { name: "a", cluster: { server: "https://evil:9" } },
        { name: "b", cluster: { server: "https://127.0.0.1:2" } },
      ],
    });
    await write(`${dir}/c`, config("c", "https://127.0.0.1:3", {}, { "current-context": "a" }));
    const env = { KUBECONFIG: `${dir}/a:${dir}/missing:${dir}/b:${dir}/c` };
    const cur = await loadClusterAccess({ env });
    assert.equal(cur.context, "b", "current-context comes from the first file that sets it");
    assert.equal(cur.server, "https://127.0.0.1:2");
    assert.deepEqual(await cur.headers(), { authorization: "Bearer tok-b" });
    const a = await loadClusterAccess({ env, context: "a" });
    assert.equal(a.server, "https://127.0.0.1:1", 'the first file\'s cluster "a" wins');
    assert.equal(a.namespace, "ns-a");
    await assert.rejects(
      loadClusterAccess({ env, context: "zz" }),
      /Cannot use context "zz": not found in kubeconfig/,
    );
    await assert.rejects(
      loadClusterAccess({ kubeconfig: `${dir}/missing`, env }),
      /Cannot load kubeconfig ".*missing": file not found/,
    );
  });
});

Deno.test("loadClusterAccess() applies --cluster, --user, --namespace, --server and --token overrides", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/tok`, "from-file\n");
    await write(`${dir}/cfg`, {
      ...config("a", "https://127.0.0.1:1", { token: "tok-a" }, { "current-context": "a" }),
      clusters: [
        { name: "a", cluster: { server: "https://127.0.0.1:1/" } },
        { name: "other", cluster: { server: "https://127.0.0.1:7" } },
      ],
      users: [
        { name: "a", user: { token: "tok-a" } },
        { name: "filer", user: { tokenFile: "tok", as: "alice", "as-groups": ["g1", "g2"] } },
        { name: "basic", user: { username: "bob", password: "pw" } },
      ],
    });
    const opts = { kubeconfig: `${dir}/cfg`, env: {} };
    assert.equal((await loadClusterAccess(opts)).server, "https://127.0.0.1:1");
    assert.equal(
      (await loadClusterAccess({ ...opts, cluster: "other" })).server,
      "https://127.0.0.1:7",
    );
    assert.equal(
      (await loadClusterAccess({ ...opts, server: "https://x:5" })).server,
      "https://x:5",
    );
    assert.equal((await loadClusterAccess({ ...opts, namespace: "n2" })).namespace, "n2");
    assert.deepEqual(await (await loadClusterAccess({ ...opts, user: "filer" })).headers(), {
      authorization: "Bearer from-file",
      "impersonate-user": "alice",
      "impersonate-group": "g1,g2",
    });
    assert.deepEqual(await (await loadClusterAccess({ ...opts, user: "basic" })).headers(), {
      authorization: `Basic ${btoa("bob:pw")}`,
    });
    const tok = await loadClusterAccess({ ...opts, user: "basic", token: "over" });
    assert.deepEqual(await tok.headers(), { authorization: "Bearer over" });
  });
});

Deno.test("loadClusterAccess() reads CA and client certificates from files (relative to their kubeconfig) and data", async () => {
  await withDir(async (dir) => {
    await Deno.mkdir(`${dir}/sub`);
    await Deno.writeTextFile(`${dir}/sub/ca.pem`, "CA FILE");
    await Deno.writeTextFile(`${dir}/sub/key.pem`, "KEY FILE");
    await write(
      `${dir}/sub/cfg`,
      config("f", "https://127.0.0.1:1", {
        "client-certificate-data": btoa("CERT DATA"),
        "client-key": "key.pem",
      }, { "current-context": "f" }),
    );
    const doc = config("d", "https://127.0.0.1:2", {}, { "current-context": "d" });
    doc.clusters = [{
      name: "d",
      cluster: {
        server: "https://127.0.0.1:2",
        "certificate-authority-data": btoa("CA DATA"),
        "insecure-skip-tls-verify": true,
      },
    }];
    await write(`${dir}/d`, doc);
    const f = await loadClusterAccess({ env: { KUBECONFIG: `${dir}/sub/cfg` } });
    assert.equal(f.certPem, "CERT DATA");
    assert.equal(f.keyPem, "KEY FILE");
    assert.equal(f.caPem, undefined);
    const withCa = await loadClusterAccess({ env: { KUBECONFIG: `${dir}/d` } });
    assert.equal(withCa.caPem, "CA DATA");
    assert.equal(withCa.insecure, true);
    // A cluster CA given as a file in one file of a merged KUBECONFIG resolves beside that file.
    const cfg = JSON.parse(await Deno.readTextFile(`${dir}/sub/cfg`));
    cfg.clusters[0].cluster["certificate-authority"] = "ca.pem";
    await write(`${dir}/sub/cfg`, cfg);
    const merged = await loadClusterAccess({
      env: { KUBECONFIG: `${dir}/d:${dir}/sub/cfg` },
      context: "f",
    });
    assert.equal(merged.caPem, "CA FILE");
  });
});

Deno.test("loadClusterAccess() falls back to the in-cluster ServiceAccount, IPv6-safe", async () => {
  await withDir(async (dir) => {
    await Deno.writeTextFile(`${dir}/ca.crt`, "SA CA");
    await Deno.writeTextFile(`${dir}/token`, "sa-token\n");
    await Deno.writeTextFile(`${dir}/namespace`, "nmcp-system");
    const env = { HOME: dir, KUBERNETES_SERVICE_HOST: "fd00::1", KUBERNETES_SERVICE_PORT: "6443" };
    const a = await loadClusterAccess({ env, serviceAccountDir: dir });
    assert.equal(a.server, "https://[fd00::1]:6443");
    assert.equal(a.caPem, "SA CA");
    assert.equal(a.namespace, "nmcp-system");
    assert.deepEqual(await a.headers(), { authorization: "Bearer sa-token" });
    assert.equal(inClusterServer("10.0.0.1"), "https://10.0.0.1:443");
    await assert.rejects(
      loadClusterAccess({ env: { HOME: dir } }),
      /Cannot load kubeconfig ".*\.kube\/config": file not found and not in a cluster/,
    );
  });
});

Deno.test("loadClusterAccess() runs an exec credential plugin through client-node", async () => {
  await withDir(async (dir) => {
    const cred = JSON.stringify({
      apiVersion: "client.authentication.k8s.io/v1",
      kind: "ExecCredential",
      status: { token: "exec-token" },
    });
    await Deno.writeTextFile(`${dir}/cred.json`, cred);
    await write(
      `${dir}/cfg`,
      config("e", "https://127.0.0.1:1", {
        exec: {
          apiVersion: "client.authentication.k8s.io/v1",
          command: "cat",
          args: [`${dir}/cred.json`],
          interactiveMode: "Never",
        },
      }, { "current-context": "e" }),
    );
    const a = await loadClusterAccess({ env: { KUBECONFIG: `${dir}/cfg` } });
    assert.deepEqual(await a.headers(), { Authorization: "Bearer exec-token" });
  });
});
