import assert from "node:assert/strict";
import { KubeConfig } from "@kubernetes/client-node";
import { SERVER } from "../resources.ts";
import { createKube, type Kube } from "./client.ts";
import { describeError } from "./errors.ts";
import { loadTarget } from "./target.ts";
import { nodeTransport } from "./transport_node.ts";

function notFound(message: string): Response {
  const body = {
    kind: "Status",
    apiVersion: "v1",
    status: "Failure",
    message,
    reason: "NotFound",
    code: 404,
  };
  return Response.json(body, { status: 404 });
}

interface Seen {
  method: string;
  url: string;
  headers: Headers;
  body: string;
}

/** Runs `fn` once per transport (lean, client-node) against a local HTTP server. */
async function withServer(
  handler: (req: Request) => Response | Promise<Response>,
  fn: (kube: Kube, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body: await req.text() });
    return handler(req);
  });
  const url = `http://127.0.0.1:${server.addr.port}`;
  const dir = await Deno.makeTempDir();
  try {
    const file = `${dir}/config`;
    await Deno.writeTextFile(
      file,
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        "current-context": "x",
        clusters: [{ name: "c", cluster: { server: url, "insecure-skip-tls-verify": true } }],
        users: [{ name: "u", user: { token: "secret-token" } }],
        contexts: [{ name: "x", context: { cluster: "c", user: "u" } }],
      }),
    );
    const lean = await loadTarget({ kubeconfig: file }, {});
    await fn(createKube(lean.transport), seen);
    seen.length = 0;
    const kc = new KubeConfig();
    kc.loadFromFile(file);
    await fn(createKube(nodeTransport(kc)), seen);
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("createKube() over both transports sends the bearer token and merge-patches with the field manager", async () => {
  await withServer(
    (req) => Response.json({ kind: "MCPServer", metadata: { name: "x" }, method: req.method }),
    async (kube, seen) => {
      await kube.mergePatch(SERVER, "ns", "x", { metadata: { annotations: { a: "b" } } });
      const req = seen[0];
      assert.equal(req.method, "PATCH");
      assert.equal(req.headers.get("authorization"), "Bearer secret-token");
      assert.equal(req.headers.get("content-type"), "application/merge-patch+json");
      const url = new URL(req.url);
      assert.equal(url.pathname, "/apis/nmcp.nwrx.io/v1/namespaces/ns/mcpservers/x");
      assert.equal(url.searchParams.get("fieldManager"), "kubectl-nmcp");
      assert.deepEqual(JSON.parse(req.body), { metadata: { annotations: { a: "b" } } });
    },
  );
});

Deno.test("createKube() turns API errors into kubectl-style messages", async () => {
  await withServer(
    (req) =>
      new URL(req.url).pathname.endsWith("/mcpservers")
        ? notFound("the server could not find the requested resource")
        : notFound('mcpservers.nmcp.nwrx.io "x" not found'),
    async (kube) => {
      await assert.rejects(
        kube.list(SERVER, "ns"),
        /Cannot list mcpservers.nmcp.nwrx.io: the API server does not serve them \(install the CRDs/,
      );
      const err = await kube.get(SERVER, "ns", "x").catch((e) => e);
      assert.equal(
        describeError(err),
        'Error from server (NotFound): mcpservers.nmcp.nwrx.io "x" not found',
      );
    },
  );
});
