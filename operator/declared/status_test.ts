import assert from "node:assert/strict";
import type { MCPPrompt, MCPServer, MCPTool } from "../../lib/api/mod.ts";
import { conflictCondition, declaredStatus, toolServices } from "./status.ts";

const NOW = "2026-12-02T03:00:00.000Z";
const srv = (name: string, labels: Record<string, string> | undefined): MCPServer => ({
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPServer",
  metadata: { name, namespace: "ns" },
  spec: labels ? { toolSelector: { matchLabels: labels } } : { image: "i" },
});
const tool: MCPTool = {
  apiVersion: "nmcp.nwrx.io/v1",
  kind: "MCPTool",
  metadata: { name: "t", namespace: "ns", generation: 3, labels: { team: "a" } },
  spec: { inputSchema: { type: "object" }, service: { name: "search", port: 80 } },
};
const SERVERS = [
  srv("z", { team: "a" }),
  srv("b", {}),
  srv("c", { team: "b" }),
  srv("d", undefined),
];

Deno.test("declaredStatus() lists the selecting servers and finds the Service", () => {
  const st = declaredStatus(tool, toolServices(tool), {
    servers: SERVERS,
    serviceExists: (n) => n === "search",
    now: NOW,
  });
  assert.deepEqual(st.selectedBy, ["b", "z"], "an empty selector selects everything");
  assert.equal(st.serviceExists, true);
  assert.equal(st.observedGeneration, 3);
  assert.deepEqual(st.conditions, [{
    type: "ServiceFound",
    status: "True",
    reason: "ServiceFound",
    message: 'Service "search" found',
    lastTransitionTime: NOW,
    observedGeneration: 3,
  }]);
});

Deno.test("declaredStatus() says which Service is missing and keeps the transition time", () => {
  const view = { servers: [], serviceExists: () => false, now: NOW };
  const first = declaredStatus(tool, ["search"], view);
  assert.equal(first.serviceExists, false);
  assert.equal(first.conditions?.[0].reason, "ServiceNotFound");
  assert.equal(
    first.conditions?.[0].message,
    'Cannot call Service "search": not found in namespace "ns"',
  );
  const later = declaredStatus({ ...tool, status: first }, ["search"], { ...view, now: "later" });
  assert.equal(later.conditions?.[0].lastTransitionTime, NOW);
});

Deno.test("declaredStatus() of a prompt has no Service fields", () => {
  const p: MCPPrompt = {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPPrompt",
    metadata: { name: "p", namespace: "ns", labels: { team: "a" } },
    spec: { template: "x" },
  };
  const st = declaredStatus(p, [], { servers: SERVERS, serviceExists: () => false, now: NOW });
  assert.deepEqual(st, { selectedBy: ["b", "z"], observedGeneration: undefined });
});

Deno.test("conflictCondition() is True with the clashes, False without", () => {
  assert.deepEqual(conflictCondition(["a", "b"]), {
    type: "DeclaredConflict",
    status: "True",
    reason: "NameClash",
    message: "a; b",
  });
  assert.equal(conflictCondition([]).status, "False");
});
