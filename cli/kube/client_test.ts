import assert from "node:assert/strict";
import { KubeConfig } from "@kubernetes/client-node";
import { SERVER } from "../resources.ts";
import { createKube } from "./client.ts";
import { describeError } from "./errors.ts";

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

async function withServer(
  handler: (req: Request) => Response | Promise<Response>,
  fn: (kc: KubeConfig, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers, body: await req.text() });
    return handler(req);
  });
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [{ name: "c", server: `http://127.0.0.1:${server.addr.port}`, skipTLSVerify: true }],
    users: [{ name: "u", token: "secret-token" }],
    contexts: [{ name: "x", cluster: "c", user: "u" }],
    currentContext: "x",
  });
  try {
    await fn(kc, seen);
  } finally {
    await server.shutdown();
  }
}

Deno.test("createKube() sends the bearer token and merge-patches with the field manager", async () => {
  await withServer(
    (req) => Response.json({ kind: "MCPServer", metadata: { name: "x" }, method: req.method }),
    async (kc, seen) => {
      const kube = createKube(kc);
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
    async (kc) => {
      const kube = createKube(kc);
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
