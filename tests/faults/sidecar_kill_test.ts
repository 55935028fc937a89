/** Fault: the gateway sidecar of a running MCP pod is SIGKILLed; the kubelet restarts it. */
import assert from "node:assert/strict";
import { everything, startOperatorEnv, until } from "../integration/operator_env.ts";
import {
  closeKubeClient,
  gatewayPid,
  podProblems,
  requestStart,
  serverPods,
  servers,
  untilPhase,
} from "./_cluster.ts";
import { assertServed } from "./_support.ts";

const RECOVERY_BOUND_MS = 45_000;

Deno.test({
  name: "faults: SIGKILL of a pod's gateway sidecar: Ready again, a new client served, no new pod",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const e = await startOperatorEnv();
    try {
      const op = await e.startOperator(["--no-leader-elect"]);
      await e.k(["apply", "--validate=false", "-f", "-"], everything("gw"));
      await requestStart(e, ["gw"]);
      const ready = async () => (await servers(e)).find((s) => s.name === "gw")?.phase === "Ready";
      await untilPhase(e, "gw", "Ready", 60_000);
      const mcp = `${op.url}/servers/default/gw/mcp`;
      await assertServed(mcp, e.authHeaders);
      const [pod] = await serverPods(e);
      const pid = await gatewayPid(pod.name);

      const t0 = performance.now();
      Deno.kill(pid, "SIGKILL");
      const back = await until("gateway restarted and Ready", RECOVERY_BOUND_MS, async () => {
        const [p] = await serverPods(e);
        return p?.gatewayRestarts >= 1 && p.ready && await ready() ? p : undefined;
      });
      const readyAfter = performance.now() - t0;
      const served = await assertServed(mcp, e.authHeaders);
      console.log(
        `gateway sidecar SIGKILL: pod Ready again after ${readyAfter.toFixed(0)} ms ` +
          `(restarts ${back.gatewayRestarts}), new client served in ${served.toFixed(0)} ms`,
      );
      assert.notEqual(await gatewayPid(pod.name), pid, "a new gateway process");
      const pods = await serverPods(e);
      assert.deepEqual(pods.map((p) => p.uid), [pod.uid], "the same pod, not a second one");
      assert.deepEqual(podProblems(pods, await servers(e)), []);
    } finally {
      closeKubeClient(e);
      await e.close();
    }
  },
});
