import assert from "node:assert/strict";
import type { MCPServer } from "../../lib/api/mod.ts";
import { KubeError } from "../../lib/kube/errors.ts";
import { isTerminal, nextRejection, REJECTION_MAX_MS } from "./rejection.ts";
import { planServer } from "./server.ts";

const NOW = Date.parse("2026-01-01T00:10:00Z");

function server(annotations: Record<string, string>): MCPServer {
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name: "s", namespace: "ns", uid: "u", generation: 3, annotations },
    spec: { image: "node:22", command: ["srv"], serviceAccountName: "ghost" },
    status: { phase: "Idle" },
  };
}

const wanted = server({ "nmcp.nwrx.io/requested-at": new Date(NOW - 5_000).toISOString() });
const settings = { gatewayImage: "gw" };

Deno.test("isTerminal() is true for 400, 403 and 422 only", () => {
  assert.deepEqual(
    [400, 403, 404, 409, 422, 429, 500].map((code) => isTerminal(new KubeError(code, undefined))),
    [true, true, false, false, true, false, false],
  );
  assert.equal(isTerminal(new TypeError("network")), false);
  assert.equal(isTerminal({ code: 422 }), false, "only API answers are classified");
});

Deno.test("nextRejection() backs off 1 s, 2 s, 4 s … up to 5 min, and restarts on a new spec", () => {
  let r = nextRejection(undefined, 3, "Cannot create pod", NOW);
  const delays = [r.retryAt - NOW];
  for (let i = 0; i < 12; i++) {
    r = nextRejection(r, 3, "Cannot create pod", NOW);
    delays.push(r.retryAt - NOW);
  }
  assert.deepEqual(delays.slice(0, 5), [1_000, 2_000, 4_000, 8_000, 16_000]);
  assert.equal(delays.at(-1), REJECTION_MAX_MS);
  assert.equal(nextRejection(r, 4, "x", NOW).attempts, 1, "a new generation starts over");
});

Deno.test("planServer() with a refused write: status only until the retry time, then tries again", () => {
  const rejection = {
    generation: 3,
    message: 'Cannot create pod "s-1": serviceaccount "ghost" not found',
    attempts: 1,
    retryAt: NOW + 4_000,
  };
  const observed = { pods: [], poolMembers: [], service: null, rejection };
  const held = planServer(wanted, observed, new Date(NOW), settings);
  assert.equal(held.status.phase, "Degraded");
  const configured = held.status.conditions?.find((c) => c.type === "Configured");
  assert.deepEqual([configured?.status, configured?.reason], ["False", "Rejected"]);
  assert.match(configured!.message, /serviceaccount "ghost" not found/);
  assert.equal(held.pod, undefined, "no pod written before the retry time");
  assert.equal(held.service, undefined);
  assert.equal(held.networkPolicy, undefined);
  assert.equal(held.requeueAfter, 4_000, "requeued at the retry time");
  assert.deepEqual(held.events, [], "the controller records the refusal's Event itself");
  const due = planServer(wanted, observed, new Date(NOW + 4_000), settings);
  assert.equal(due.pod?.kind, "Pod", "the write is tried again");
  assert.equal(due.status.phase, "Degraded", "still reported until it succeeds");
  const stopped = server({ "nmcp.nwrx.io/stop-requested-at": new Date(NOW).toISOString() });
  assert.equal(planServer(stopped, observed, new Date(NOW), settings).status.phase, "Idle");
});
