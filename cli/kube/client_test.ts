import assert from "node:assert/strict";
import { describeError } from "../../lib/kube/errors.ts";
import { SERVER } from "../resources.ts";
import { createKube, type Kube } from "./client.ts";
import { loadTarget } from "./target.ts";

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
  /** The path as sent, before URL parsing normalizes it. */
  rawPath: string;
  headers: Headers;
  body: string;
}

/** Runs `fn` with a client from a kubeconfig against a local HTTP server. */
async function withServer(
  handler: (req: Request) => Response | Promise<Response>,
  fn: (kube: Kube, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const rawPath = req.url.slice(new URL(req.url).origin.length).split("?")[0];
    const body = await req.text();
    seen.push({ method: req.method, url: req.url, rawPath, headers: req.headers, body });
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
    const target = await loadTarget({ kubeconfig: file }, {});
    await fn(createKube(target.client, target.access), seen);
    target.client.close();
  } finally {
    await server.shutdown();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("createKube() sends the bearer token and merge-patches with the field manager", async () => {
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

Deno.test("createKube() encodes names with special characters in URL paths", async () => {
  await withServer(
    () => Response.json({ kind: "MCPServer", metadata: { name: "x" } }),
    async (kube, seen) => {
      await kube.get(SERVER, "team a", "a/b?c#d");
      await kube.remove(SERVER, "ns", "../x");
      await kube.getPod("ns", "p%2F");
      assert.deepEqual(seen.map((s) => s.rawPath), [
        "/apis/nmcp.nwrx.io/v1/namespaces/team%20a/mcpservers/a%2Fb%3Fc%23d",
        "/apis/nmcp.nwrx.io/v1/namespaces/ns/mcpservers/..%2Fx",
        "/api/v1/namespaces/ns/pods/p%252F",
      ]);
    },
  );
});
