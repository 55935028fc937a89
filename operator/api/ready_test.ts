import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import type { Cache } from "../controller/cache.ts";
import { reachable } from "./ready.ts";

const NO_PODS = { pods: { store: new Map() } } as unknown as Cache;

function server(phase: string, reason: string, requestedAt: string): MCPServer {
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "s", namespace: "ns" },
    spec: { image: "i" },
    status: {
      phase,
      requestedAt,
      podName: "s-1",
      conditions: [{
        type: "Configured",
        status: "False",
        reason,
        message: 'Cannot create pod "s-1": serviceaccounts "nope" not found',
        lastTransitionTime: requestedAt,
      }],
    },
  } as MCPServer;
}

Deno.test("reachable() fails at once for a server whose pod the API server rejected", () => {
  const at = "2026-12-01T10:00:00.000Z";
  const since = Date.parse(at);
  assert.deepEqual(reachable(NO_PODS, server("Degraded", "Rejected", at), since), {
    failed: 'Cannot create pod "s-1": serviceaccounts "nope" not found',
  });
  // Degraded for another reason (a crash loop) may still recover: keep waiting.
  assert.equal(reachable(NO_PODS, server("Degraded", "CrashLoopBackOff", at), since), undefined);
  // A rejection the operator reported before this request was made does not count yet.
  assert.equal(reachable(NO_PODS, server("Degraded", "Rejected", at), since + 1), undefined);
});
