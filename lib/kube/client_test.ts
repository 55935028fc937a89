import assert from "node:assert/strict";
import { generateTls } from "../../tests/harness/apiserver/tls.ts";
import { createKubeClient, type KubeClient } from "./client.ts";
import {
  describeError,
  isAlreadyExists,
  isConflict,
  isForbidden,
  isGone,
  isNotFound,
  isTerminal,
  KubeError,
} from "./errors.ts";
import { resourcePath, RESOURCES } from "./path.ts";
import { watchCollection } from "./watch.ts";

interface Seen {
  method: string;
  rawPath: string;
  url: URL;
  headers: Headers;
  body: string;
}

function status(code: number, reason: string, message: string): Response {
  return Response.json({ kind: "Status", status: "Failure", code, reason, message }, {
    status: code,
  });
}

async function withServer(
  handler: (req: Request, seen: Seen) => Response | Promise<Response>,
  fn: (client: KubeClient, seen: Seen[]) => Promise<void>,
): Promise<void> {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, async (req) => {
    const url = new URL(req.url);
    const s = {
      method: req.method,
      rawPath: req.url.slice(url.origin.length).split("?")[0],
      url,
      headers: req.headers,
      body: await req.text(),
    };
    seen.push(s);
    return handler(req, s);
  });
  const client = createKubeClient({
    server: `http://127.0.0.1:${server.addr.port}/`,
    headers: () => Promise.resolve({ authorization: "Bearer t0" }),
  });
  try {
    await fn(client, seen);
  } finally {
    client.close();
    await server.shutdown();
  }
}

Deno.test("resourcePath() percent-encodes every segment of names with special characters", () => {
  assert.equal(
    resourcePath(RESOURCES.servers, "team a", "x/../y?z#w", "status"),
    "/apis/nmcp.nwrx.io/v1/namespaces/team%20a/mcpservers/x%2F..%2Fy%3Fz%23w/status",
  );
  assert.equal(resourcePath(RESOURCES.pods), "/api/v1/pods");
  assert.equal(
    resourcePath(RESOURCES.pods, "ns", "p", "log"),
    "/api/v1/namespaces/ns/pods/p/log",
  );
});

Deno.test("createKubeClient() sends headers, JSON bodies and queries to encoded paths", async () => {
  await withServer(
    () => Response.json({ kind: "MCPServer", metadata: { name: "a b" } }),
    async (client, seen) => {
      const path = resourcePath(RESOURCES.servers, "ns", "a b?c");
      const got = await client.request<{ kind: string }>("PATCH", path, {
        body: { spec: {} },
        contentType: "application/merge-patch+json",
        query: { fieldManager: "m", dryRun: undefined, force: false },
      });
      assert.equal(got.kind, "MCPServer");
      const req = seen[0];
      assert.equal(req.method, "PATCH");
      assert.equal(req.rawPath, "/apis/nmcp.nwrx.io/v1/namespaces/ns/mcpservers/a%20b%3Fc");
      assert.equal(req.url.search, "?fieldManager=m&force=false");
      assert.equal(req.headers.get("authorization"), "Bearer t0");
      assert.equal(req.headers.get("content-type"), "application/merge-patch+json");
      assert.deepEqual(JSON.parse(req.body), { spec: {} });
    },
  );
});

Deno.test("createKubeClient() throws KubeError that the predicates classify", async () => {
  const answers: Record<string, () => Response> = {
    "/nf": () => status(404, "NotFound", 'mcpservers.nmcp.nwrx.io "x" not found'),
    "/conflict": () => status(409, "Conflict", "the object has been modified"),
    "/exists": () => status(409, "AlreadyExists", 'pods "p" already exists'),
    "/forbidden": () => status(403, "Forbidden", "no"),
    "/invalid": () => status(422, "Invalid", "bad"),
    "/plain": () => new Response("upstream broke", { status: 502 }),
  };
  await withServer((req) => answers[new URL(req.url).pathname](), async (client) => {
    const err = async (p: string): Promise<KubeError> =>
      await client.request("GET", p).catch((e) => e as KubeError) as KubeError;
    const nf = await err("/nf");
    assert.ok(nf instanceof KubeError && isNotFound(nf) && nf.reason === "NotFound");
    assert.equal(
      describeError(nf),
      'Error from server (NotFound): mcpservers.nmcp.nwrx.io "x" not found',
    );
    const conflict = await err("/conflict");
    assert.ok(isConflict(conflict) && !isAlreadyExists(conflict));
    const exists = await err("/exists");
    assert.ok(isAlreadyExists(exists) && !isConflict(exists));
    assert.ok(isForbidden(await err("/forbidden")));
    assert.ok(isTerminal(await err("/invalid")) && isTerminal(await err("/forbidden")));
    assert.ok(!isTerminal(nf) && !isTerminal(conflict));
    const plain = await err("/plain");
    assert.equal(plain.code, 502);
    assert.equal(plain.message, "GET /plain: HTTP 502 upstream broke");
    assert.ok(!isNotFound(new Error("x")) && !isTerminal({ code: 422 }));
  });
});

Deno.test("watchCollection() yields events across chunk splits and throws 410 as isGone", async () => {
  const enc = new TextEncoder();
  const ev = (type: string, name: string) =>
    JSON.stringify({ type, object: { metadata: { name } } });
  await withServer(
    (req) => {
      const gone = new URL(req.url).pathname.endsWith("/gone");
      const lines = gone
        ? [
          JSON.stringify({
            type: "ERROR",
            object: { code: 410, reason: "Expired", message: "old" },
          }),
        ]
        : [ev("ADDED", "a"), "", ev("MODIFIED", "a"), ev("DELETED", "b")];
      const text = lines.join("\n") + "\n";
      const body = new ReadableStream<Uint8Array>({
        start(c) {
          // Split in the middle of an event: the reader must join the halves.
          c.enqueue(enc.encode(text.slice(0, 17)));
          c.enqueue(enc.encode(text.slice(17)));
          c.close();
        },
      });
      return new Response(body, { headers: { "content-type": "application/json" } });
    },
    async (client, seen) => {
      const got: string[] = [];
      await watchCollection<{ metadata: { name: string } }>(
        client,
        "/api/v1/pods",
        { resourceVersion: "5" },
        (e) => got.push(`${e.type} ${e.object.metadata.name}`),
      );
      assert.deepEqual(got, ["ADDED a", "MODIFIED a", "DELETED b"]);
      assert.equal(seen[0].url.search, "?resourceVersion=5&watch=true");
      const err = await watchCollection(client, "/gone", {}, () => {}).catch((e) => e);
      assert.ok(isGone(err), String(err));
    },
  );
});

Deno.test("createKubeClient() trusts the kubeconfig CA, or skips verification only when told", async () => {
  const tls = await generateTls();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, cert: tls.certPem, key: tls.keyPem, onListen() {} },
    () => Response.json({ ok: true }),
  );
  const url = `https://127.0.0.1:${server.addr.port}`;
  const headers = () => Promise.resolve({});
  try {
    const trusted = createKubeClient({ server: url, caPem: tls.caCertPem, headers });
    assert.deepEqual(await trusted.request("GET", "/x"), { ok: true });
    trusted.close();
    const insecure = createKubeClient({ server: url, insecure: true, headers });
    assert.deepEqual(await insecure.request("GET", "/x"), { ok: true });
    insecure.close();
    const untrusted = createKubeClient({ server: url, headers });
    await assert.rejects(
      untrusted.request("GET", "/x"),
      /Cannot reach the Kubernetes API at https:\/\/127\.0\.0\.1:\d+: /,
    );
    untrusted.close();
  } finally {
    await server.shutdown();
  }
});
