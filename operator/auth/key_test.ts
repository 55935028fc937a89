import assert from "node:assert/strict";
import { startApiServer } from "../../tests/harness/apiserver/mod.ts";
import {
  createKubeClient,
  loadClusterAccess,
  resourcePath,
  RESOURCES,
} from "../../lib/kube/mod.ts";
import { loadTokenKey, TOKEN_KEY_SECRET } from "./key.ts";
import { deriveServerToken } from "./server_token.ts";

Deno.test("loadTokenKey() creates the key Secret once; replicas starting together share it", async () => {
  const api = await startApiServer({});
  const client = createKubeClient(await loadClusterAccess({ kubeconfig: api.kubeconfigPath }));
  try {
    await client.request("POST", "/api/v1/namespaces", {
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "nmcp-system" } },
    });
    const keys = await Promise.all(
      [1, 2, 3].map(() => loadTokenKey({ client, namespace: "nmcp-system" })),
    );
    const tokens = await Promise.all(keys.map((k) => deriveServerToken(k, "uid-1")));
    assert.equal(new Set(tokens).size, 1);
    const later = await loadTokenKey({ client, namespace: "nmcp-system" });
    assert.equal(await deriveServerToken(later, "uid-1"), tokens[0]);
    const secret = await client.request<{ data: { key: string } }>(
      "GET",
      resourcePath(RESOURCES.secrets, "nmcp-system", TOKEN_KEY_SECRET),
    );
    assert.equal(atob(secret.data.key).length, 32);
  } finally {
    client.close();
    await api.stop();
  }
});

Deno.test("loadTokenKey() reads a key file instead when one is given", async () => {
  const file = await Deno.makeTempFile();
  await Deno.writeFile(file, new Uint8Array(32).fill(7));
  const unused = { request: () => Promise.reject(new Error("no API")) } as never;
  try {
    const k = await loadTokenKey({ client: unused, namespace: "x", file });
    assert.match(await deriveServerToken(k, "u"), /^[A-Za-z0-9_-]{43}$/);
  } finally {
    await Deno.remove(file);
  }
});
