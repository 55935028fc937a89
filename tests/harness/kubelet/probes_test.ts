import assert from "node:assert/strict";
import { runProbe } from "./probes.ts";

Deno.test("runProbe() checks httpGet status, tcpSocket connect and exec exit codes", async () => {
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    (req) => new Response("x", { status: new URL(req.url).pathname === "/ok" ? 200 : 503 }),
  );
  const port = server.addr.port;
  const target = {
    podIP: "127.0.0.1",
    ports: [{ name: "http", containerPort: port }],
    exec: (argv: string[]) => Promise.resolve(argv[0] === "true" ? 0 : 1),
  };
  try {
    assert.equal(await runProbe({ httpGet: { path: "/ok", port: "http" } }, target), true);
    assert.equal(await runProbe({ httpGet: { path: "/no", port } }, target), false);
    assert.equal(await runProbe({ tcpSocket: { port } }, target), true);
    assert.equal(await runProbe({ exec: { command: ["true"] } }, target), true);
    assert.equal(await runProbe({ exec: { command: ["false"] } }, target), false);
  } finally {
    ac.abort();
    await server.finished;
  }
  assert.equal(await runProbe({ tcpSocket: { port } }, target), false);
});
