import assert from "node:assert/strict";
import { serviceTable } from "./service_table.ts";

const svc = (name: string, clusterIP: string, ports: Record<string, unknown>[]) => ({
  metadata: { name, namespace: "ns" },
  spec: { clusterIP, ports: ports as { port: number }[] },
});

Deno.test("serviceTable() lists names and routes each TCP port to the first ready address", () => {
  const text = serviceTable([
    svc("web", "10.96.0.2", [{ name: "http", port: 80 }, {
      name: "dns",
      port: 53,
      protocol: "UDP",
    }]),
    svc("idle", "10.96.0.3", [{ port: 81 }]),
    svc("headless", "None", [{ port: 82 }]),
  ], [
    {
      metadata: { name: "web", namespace: "ns" },
      subsets: [{ addresses: [{ ip: "127.1.0.5" }], ports: [{ name: "http", port: 8080 }] }],
    },
    { metadata: { name: "idle", namespace: "ns" }, subsets: [] },
  ]);
  assert.equal(
    text,
    [
      "name idle.ns.svc 10.96.0.3",
      "name idle.ns.svc.cluster.local 10.96.0.3",
      "name web.ns.svc 10.96.0.2",
      "name web.ns.svc.cluster.local 10.96.0.2",
      "route 10.96.0.2 80 127.1.0.5 8080",
      "route 10.96.0.3 81 - 0",
      "",
    ].join("\n"),
  );
});
