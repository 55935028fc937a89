import assert from "node:assert/strict";
import { fetchImageProcess, parseChallenge } from "./client.ts";
import { parseImageRef } from "./reference.ts";
import { createResolver, credentialsFor } from "./resolver.ts";
import type { MCPServer } from "../../lib/api/mod.ts";
import type { KubeClient } from "../../lib/kube/mod.ts";

const REGISTRY_BIN = "/usr/bin/docker-registry";
const haveRegistry = await Deno.stat(REGISTRY_BIN).then(() => true, () => false);
if (!haveRegistry) {
  console.warn(
    `skipping registry tests: ${REGISTRY_BIN} missing (apt-get install docker-registry)`,
  );
}

async function sha256(data: Uint8Array<ArrayBuffer>): Promise<string> {
  const d = new Uint8Array(await crypto.subtle.digest("SHA-256", data));
  return "sha256:" + Array.from(d, (b) => b.toString(16).padStart(2, "0")).join("");
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function startRegistry() {
  const dir = await Deno.makeTempDir({ prefix: "nmcp-registry-" });
  const port = freePort();
  await Deno.writeTextFile(
    `${dir}/config.yml`,
    `version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: ${dir}/data}}\n` +
      `http: {addr: "127.0.0.1:${port}"}\n`,
  );
  const proc = new Deno.Command(REGISTRY_BIN, {
    args: ["serve", `${dir}/config.yml`],
    stdout: "null",
    stderr: "null",
  }).spawn();
  const base = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const ok = await fetch(`${base}/v2/`).then((r) => (r.body?.cancel(), r.ok), () => false);
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    base,
    host: `127.0.0.1:${port}`,
    async close() {
      proc.kill("SIGTERM");
      await proc.status;
      await Deno.remove(dir, { recursive: true });
    },
  };
}

async function pushBlob(
  base: string,
  repo: string,
  data: Uint8Array<ArrayBuffer>,
): Promise<string> {
  const digest = await sha256(data);
  const start = await fetch(`${base}/v2/${repo}/blobs/uploads/`, { method: "POST" });
  await start.body?.cancel();
  const loc = new URL(start.headers.get("location")!, base);
  loc.searchParams.set("digest", digest);
  const put = await fetch(loc, { method: "PUT", body: data });
  await put.body?.cancel();
  assert.equal(put.status, 201);
  return digest;
}

async function pushManifest(base: string, repo: string, ref: string, type: string, body: unknown) {
  const bytes = new TextEncoder().encode(JSON.stringify(body));
  const res = await fetch(`${base}/v2/${repo}/manifests/${ref}`, {
    method: "PUT",
    headers: { "content-type": type },
    body: bytes,
  });
  const text = await res.text();
  assert.equal(res.status, 201, text);
  return { digest: await sha256(bytes), size: bytes.length };
}

/** Pushes an image with one config per platform and an index tagged `multi`. */
async function pushImage(base: string, repo: string) {
  const enc = new TextEncoder();
  const layer = await pushBlob(base, repo, enc.encode("layer"));
  const platforms = [["amd64", ["/srv/amd64"]], ["arm64", ["/srv/arm64"]]] as const;
  const manifests = [];
  for (const [arch, entry] of platforms) {
    const cfg = enc.encode(JSON.stringify({
      architecture: arch,
      os: "linux",
      config: { Entrypoint: entry, Cmd: ["stdio"] },
      rootfs: { type: "layers", diff_ids: [] },
    }));
    const cfgDigest = await pushBlob(base, repo, cfg);
    const m = await pushManifest(base, repo, arch, "application/vnd.oci.image.manifest.v1+json", {
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: cfgDigest,
        size: cfg.length,
      },
      layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: layer, size: 5 }],
    });
    manifests.push({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      ...m,
      platform: { os: "linux", architecture: arch },
    });
  }
  await pushManifest(base, repo, "multi", "application/vnd.oci.image.index.v1+json", {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [manifests[1], manifests[0]],
  });
}

Deno.test("parseImageRef() follows Docker's defaults", () => {
  assert.deepEqual(parseImageRef("node:22-alpine"), {
    registry: "registry-1.docker.io",
    repository: "library/node",
    reference: "22-alpine",
  });
  assert.deepEqual(parseImageRef("ghcr.io/a/b@sha256:00"), {
    registry: "ghcr.io",
    repository: "a/b",
    reference: "sha256:00",
  });
  assert.equal(parseImageRef("localhost:5000/x").reference, "latest");
  assert.equal(parseImageRef("docker.io/u/x:1").repository, "u/x");
  assert.throws(() => parseImageRef("Bad Image"), /Cannot parse image/);
});

Deno.test("parseChallenge() reads a Bearer challenge", () => {
  assert.deepEqual(parseChallenge('Bearer realm="https://a/token",service="s",scope="x:y"'), {
    scheme: "bearer",
    params: { realm: "https://a/token", service: "s", scope: "x:y" },
  });
});

Deno.test("credentialsFor() finds auth in .dockerconfigjson by registry host", () => {
  const cfg = { auths: { "https://index.docker.io/v1/": { auth: btoa("u:p:w") } } };
  assert.deepEqual(credentialsFor("registry-1.docker.io", [cfg]), {
    username: "u",
    password: "p:w",
  });
  assert.equal(credentialsFor("ghcr.io", [cfg]), undefined);
});

Deno.test({
  name: "fetchImageProcess() reads Entrypoint/Cmd through a real registry (index → amd64)",
  ignore: !haveRegistry,
  async fn() {
    const reg = await startRegistry();
    try {
      await pushImage(reg.base, "team/mcp");
      const p = await fetchImageProcess(parseImageRef(`${reg.host}/team/mcp:multi`));
      assert.deepEqual(p.entrypoint, ["/srv/amd64"]);
      assert.deepEqual(p.cmd, ["stdio"]);
      const arm = await fetchImageProcess(parseImageRef(`${reg.host}/team/mcp:multi`), {
        platform: { os: "linux", architecture: "arm64" },
      });
      assert.deepEqual(arm.entrypoint, ["/srv/arm64"]);
      await assert.rejects(
        fetchImageProcess(parseImageRef(`${reg.host}/team/none:1`)),
        /answered 404/,
      );
    } finally {
      await reg.close();
    }
  },
});

Deno.test({
  name: "resolver follows the Bearer token flow with an imagePullSecret and caches",
  ignore: !haveRegistry,
  async fn() {
    const reg = await startRegistry();
    let tokens = 0;
    let port = 0;
    const front = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen() {} },
      async (req): Promise<Response> => {
        const url = new URL(req.url);
        if (url.pathname === "/token") {
          if (req.headers.get("authorization") !== `Basic ${btoa("bot:s3cret")}`) {
            return new Response("no", { status: 401 });
          }
          tokens++;
          return Response.json({ token: "tok" });
        }
        if (req.headers.get("authorization") !== "Bearer tok") {
          const realm = `http://127.0.0.1:${port}/token`;
          return new Response("{}", {
            status: 401,
            headers: { "www-authenticate": `Bearer realm="${realm}",service="test"` },
          });
        }
        const upstream = await fetch(reg.base + url.pathname, { headers: req.headers });
        return new Response(upstream.body, { status: upstream.status, headers: upstream.headers });
      },
    );
    port = front.addr.port;
    try {
      await pushImage(reg.base, "team/mcp");
      const host = `127.0.0.1:${front.addr.port}`;
      const secret = btoa(
        JSON.stringify({ auths: { [host]: { username: "bot", password: "s3cret" } } }),
      );
      const client = {
        request: (_m: string, path: string) =>
          path.endsWith("/secrets/pull")
            ? Promise.resolve({ data: { ".dockerconfigjson": secret } })
            : Promise.reject(Object.assign(new Error("nf"), { code: 404 })),
      } as unknown as KubeClient;
      const server = (image: string, secrets = [{ name: "pull" }]): MCPServer => ({
        apiVersion: "nmcp.nwrx.io/v1",
        kind: "MCPServer",
        metadata: { name: "s", namespace: "ns" },
        spec: { image, imagePullSecrets: secrets },
      });
      const resolve = createResolver(client);
      const ep = await resolve(server(`${host}/team/mcp:multi`));
      assert.deepEqual(ep, { command: ["/srv/amd64"], args: ["stdio"] });
      await resolve(server(`${host}/team/mcp:multi`));
      assert.equal(tokens, 1, "second lookup served from cache");
      const denied = await resolve(server(`${host}/team/mcp:amd64`, []));
      assert.ok("error" in denied);
      assert.match(
        denied.error,
        /Cannot read entrypoint of image .*no imagePullSecret|answered 401/,
      );
    } finally {
      await front.shutdown();
      await reg.close();
    }
  },
});
