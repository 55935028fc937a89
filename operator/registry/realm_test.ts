import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import { type KubeClient, KubeError } from "../../lib/kube/mod.ts";
import { fetchImageProcess } from "./client.ts";
import { checkRealm, DEFAULT_AUTH_HOSTS, parseAuthHosts } from "./realm.ts";
import { parseImageRef } from "./reference.ts";
import { createResolver } from "./resolver.ts";

const defaults = { authHosts: parseAuthHosts(DEFAULT_AUTH_HOSTS), insecure: false };

Deno.test("checkRealm() admits the registry's own host and allowlisted token hosts only", () => {
  assert.equal(
    checkRealm("https://auth.docker.io/token", "registry-1.docker.io", defaults).host,
    "auth.docker.io",
  );
  assert.ok(checkRealm("https://ghcr.io/token", "ghcr.io", defaults));
  assert.ok(checkRealm("https://QUAY.io/v2/auth", "quay.io", defaults));
  const refused: [string, string, RegExp][] = [
    ["https://auth.docker.io/token", "ghcr.io", /neither on registry "ghcr.io"/],
    ["https://169.254.169.254/latest", "evil.example", /neither on registry/],
    ["https://ghcr.io.evil.example/t", "ghcr.io", /neither on registry/],
    ["https://ghcr.io:8443/t", "ghcr.io", /neither on registry/],
    ["http://ghcr.io/token", "ghcr.io", /is not https/],
    ["file:///etc/passwd", "ghcr.io", /is not https/],
    ["not a url", "ghcr.io", /is not a URL/],
  ];
  for (const [realm, registry, why] of refused) {
    assert.throws(() => checkRealm(realm, registry, defaults), why, realm);
  }
  assert.ok(
    checkRealm("http://127.0.0.1:5000/t", "127.0.0.1:5000", { ...defaults, insecure: true }),
  );
});

Deno.test("parseAuthHosts() reads registry=host pairs (docker.io aliases the Hub)", () => {
  const m = parseAuthHosts(["docker.io=auth.docker.io", "Reg.example=Tokens.example:8443"]);
  assert.deepEqual([...m.get("registry-1.docker.io")!], ["auth.docker.io"]);
  assert.deepEqual([...m.get("reg.example")!], ["tokens.example:8443"]);
  assert.throws(() => parseAuthHosts(["auth.docker.io"]), /expected registry=host/);
});

/** A registry on 127.0.0.1 that sends clients to `realm` for a token, and a token server. */
function fakeRegistry(realmHost: string) {
  let tokenHits = 0;
  const config = JSON.stringify({ config: { Entrypoint: ["/srv"], Cmd: ["stdio"] } });
  const tokens = Deno.serve({ hostname: realmHost, port: 0, onListen() {} }, () => {
    tokenHits++;
    return Response.json({ token: "tok" });
  });
  const realm = `http://${realmHost}:${tokens.addr.port}/token`;
  const registry = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, (req) => {
    if (req.headers.get("authorization") !== "Bearer tok") {
      return new Response("{}", {
        status: 401,
        headers: { "www-authenticate": `Bearer realm="${realm}",service="s"` },
      });
    }
    const path = new URL(req.url).pathname;
    if (path.endsWith("/manifests/1")) {
      return Response.json({ mediaType: "m", config: { digest: "sha256:c" } });
    }
    return new Response(config);
  });
  return {
    host: `127.0.0.1:${registry.addr.port}`,
    tokenHost: `${realmHost}:${tokens.addr.port}`,
    hits: () => tokenHits,
    async close() {
      await tokens.shutdown();
      await registry.shutdown();
    },
  };
}

Deno.test("fetchImageProcess() never contacts a realm off the registry's host unless allowed", async () => {
  const reg = fakeRegistry("127.0.0.2");
  try {
    const ref = parseImageRef(`${reg.host}/team/mcp:1`);
    await assert.rejects(fetchImageProcess(ref), /token realm ".*" is neither on registry/);
    assert.equal(reg.hits(), 0, "the realm was never fetched");
    const authHosts = parseAuthHosts([`${reg.host}=${reg.tokenHost}`]);
    const p = await fetchImageProcess(ref, { authHosts });
    assert.deepEqual(p.entrypoint, ["/srv"]);
    assert.equal(reg.hits(), 1);
  } finally {
    await reg.close();
  }
});

Deno.test("resolver names the RoleBinding to create when a pull secret is forbidden", async () => {
  const client = {
    request: () => Promise.reject(new KubeError(403, "Forbidden", "secrets is forbidden")),
  } as unknown as KubeClient;
  const server: MCPServer = {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "s", namespace: "team" },
    spec: { image: "ghcr.io/acme/x:1", imagePullSecrets: [{ name: "pull" }] },
  };
  const resolve = createResolver(client, { serviceAccount: "ops:nmcp-operator" });
  assert.deepEqual(await resolve(server), {
    error: 'Cannot read Secret "team/pull": forbidden; let the operator read pull secrets ' +
      "there: kubectl create rolebinding nmcp-operator-pull-secrets -n team " +
      "--clusterrole=nmcp-operator-pull-secrets --serviceaccount=ops:nmcp-operator",
  });
});
