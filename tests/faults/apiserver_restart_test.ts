/** Fault: every watch of the API server closes, then the API server restarts on its data. */
import assert from "node:assert/strict";
import { type ApiServer, startApiServer } from "../harness/apiserver/mod.ts";
import {
  everything,
  type OperatorEnv,
  ROOT,
  startOperatorEnv,
  until,
} from "../integration/operator_env.ts";
import {
  closeKubeClient,
  podProblems,
  requestStart,
  serverPods,
  servers,
  untilPhase,
} from "./_cluster.ts";
import { alive, assertServed } from "./_support.ts";

const BOUND_MS = 60_000;
/** The idle timeout of the server started after the restart: it must still scale to zero. */
const IDLE_S = 8;

/** Stops the cluster's API server and starts a new one on its data and address. */
async function restartApiServer(e: OperatorEnv, dataDir: string): Promise<ApiServer> {
  const url = e.cluster.url;
  await e.cluster.apiServer.stop();
  await new Promise((r) => setTimeout(r, 1000));
  const next = await startApiServer({
    dataDir: `${dataDir}/apiserver`,
    kubeconfigPath: e.cluster.kubeconfigPath,
  });
  next.setPodStreamHandler(e.cluster.kubelet.streamHandler);
  assert.equal(next.url, url, "the API server restarts on its address");
  return next;
}

Deno.test({
  name:
    "faults: closed watches and an API server restart: the operator resumes, starts and updates",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const cache = `${ROOT}/.cache/harness`;
    await Deno.mkdir(cache, { recursive: true });
    const dataDir = await Deno.makeTempDir({ prefix: "faults-apiserver-", dir: cache });
    const e = await startOperatorEnv({ dataDir });
    let restarted: ApiServer | undefined;
    try {
      const op = await e.startOperator(["--no-leader-elect"]);
      await e.k(["apply", "--validate=false", "-f", "-"], everything("before"));
      await untilPhase(e, "before", "Idle", BOUND_MS);

      e.cluster.apiServer.closeWatches();
      const t0 = performance.now();
      await e.k(["apply", "--validate=false", "-f", "-"], everything("rewatched"));
      await untilPhase(e, "rewatched", "Idle", BOUND_MS);
      console.log(
        `after closeWatches(): a new server got its status in ${
          (performance.now() - t0).toFixed(0)
        } ms`,
      );

      restarted = await restartApiServer(e, dataDir);
      const t1 = performance.now();
      await e.k(
        ["apply", "--validate=false", "-f", "-"],
        everything("after", { idleTimeout: IDLE_S }),
      );
      await requestStart(e, ["after"]);
      await untilPhase(e, "after", "Ready", BOUND_MS);
      const readyIn = performance.now() - t1;
      await assertServed(`${op.url}/servers/default/after/mcp`, e.authHeaders);
      const counted = await until("status.totalRequests updated", BOUND_MS, async () => {
        const s = (await servers(e)).find((s) => s.name === "after");
        return (s?.totalRequests ?? 0) >= 1 ? s!.totalRequests : undefined;
      });
      const updatedIn = performance.now() - t1;
      console.log(
        `after the API server restart: a requested server Ready in ${readyIn.toFixed(0)} ms, ` +
          `its status counted ${counted} requests ${updatedIn.toFixed(0)} ms after the request`,
      );
      assert.ok(await alive(op.proc.pid), "the same operator process resumed");
      const t2 = performance.now();
      await untilPhase(e, "after", "Idle", BOUND_MS);
      await until("the idle server's pod gone", BOUND_MS, async () => {
        return (await serverPods(e)).length === 0 || undefined;
      });
      console.log(
        `…and scaled to zero ${
          (performance.now() - t2).toFixed(0)
        } ms later (idleTimeout ${IDLE_S} s)`,
      );
      assert.equal((await servers(e)).find((s) => s.name === "before")?.phase, "Idle");
      assert.deepEqual(podProblems(await serverPods(e), await servers(e)), []);
    } finally {
      closeKubeClient(e);
      await e.close();
      await restarted?.stop();
      await Deno.remove(dataDir, { recursive: true }).catch(() => {});
    }
  },
});
