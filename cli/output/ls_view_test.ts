import assert from "node:assert/strict";
import type { MCPPool, MCPServer } from "../../lib/api/mod.ts";
import { lsTable } from "./ls_view.ts";
import { renderTable } from "./table.ts";

const now = new Date("2026-01-01T01:00:00Z");

function server(name: string, status: MCPServer["status"], ns = "default"): MCPServer {
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name, namespace: ns, uid: name, creationTimestamp: "2026-01-01T00:00:00Z" },
    spec: { image: "x", pool: "default", transport: { type: "stdio" } },
    status,
  };
}

const pool: MCPPool = {
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPPool",
  metadata: { name: "default", namespace: "default", creationTimestamp: "2026-01-01T00:30:00Z" },
  spec: { maxActive: 2 },
  status: { active: 1, pending: 1 },
};

Deno.test("lsTable() lists servers sorted in get's column order, then pools with their servers' totals", () => {
  const servers = [
    server("zeta", undefined),
    server("alpha", {
      phase: "Ready",
      currentConnections: 2,
      lastRequestAt: "2026-01-01T00:59:55Z",
      totalRequests: 9,
      podName: "alpha-abc",
    }),
  ];
  const text = renderTable(lsTable(servers, [pool], { now }));
  assert.equal(
    text,
    [
      "NAME              STATUS                  POOL      TRANSPORT   CONNECTIONS   LAST REQUEST   AGE",
      "mcpserver/alpha   Ready                   default   stdio       2             5s             60m",
      "mcpserver/zeta    <none>                  default   stdio       <none>        <none>         60m",
      "mcppool/default   1/2 active, 1 pending   -         -           2             5s             30m",
      "",
    ].join("\n"),
  );
});

Deno.test("lsTable() adds NAMESPACE with -A and SESSIONS/REQUESTS/POD/ENDPOINT with -o wide", () => {
  // One abandoned session: no live connection (CONNECTIONS 0), one open session (SESSIONS 1).
  const abandoned = { currentConnections: 0, openSessions: 1 };
  const t = lsTable(
    [server("a", { phase: "Ready", totalRequests: 3, podName: "a-1", ...abandoned }, "team")],
    [],
    {
      now,
      wide: true,
      namespaces: true,
    },
  );
  assert.deepEqual(t.headers, [
    "NAMESPACE",
    "NAME",
    "STATUS",
    "POOL",
    "TRANSPORT",
    "CONNECTIONS",
    "LAST REQUEST",
    "AGE",
    "SESSIONS",
    "REQUESTS",
    "POD",
    "ENDPOINT",
  ]);
  assert.deepEqual(t.rows[0], [
    "team",
    "mcpserver/a",
    "Ready",
    "default",
    "stdio",
    "0",
    "",
    "60m",
    "1",
    "3",
    "a-1",
    "",
  ]);
});
