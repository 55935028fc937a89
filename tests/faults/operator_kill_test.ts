/** Fault: the operator is SIGKILLed while 50 MCPServers are being created and 10 started. */
import assert from "node:assert/strict";
import {
  everything,
  type OperatorEnv,
  startOperatorEnv,
  until,
} from "../integration/operator_env.ts";
import {
  closeKubeClient,
  podProblems,
  requestStart,
  serverPods,
  servers,
  type ServerView,
} from "./_cluster.ts";

const SERVERS = 50;
const STARTED = 10;
const CONVERGE_BOUND_MS = 120_000;
const LEASE = ["--lease-duration=3"];
const name = (i: number) => `s${String(i).padStart(2, "0")}`;

/** What the requests imply: Ready for the started ones, Idle for the rest. */
function misplaced(list: ServerView[]): string[] {
  return list.filter((s) => s.phase !== (Number(s.name.slice(1)) < STARTED ? "Ready" : "Idle"))
    .map((s) => `${s.name}:${s.phase}`);
}

/** Polls without pause (bounded: 30 s) until a server pod exists; returns how many exist. */
async function firstPods(e: OperatorEnv): Promise<number> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    const n = (await serverPods(e)).length;
    if (n > 0) return n;
  }
  throw new Error("Cannot see a server pod: none created in 30 s");
}

/** Creates servers `from` … `to - 1` in one kubectl apply. */
function applyServers(e: OperatorEnv, from: number, to: number): Promise<string> {
  const items = Array.from({ length: to - from }, (_, i) => JSON.parse(everything(name(from + i))));
  const list = JSON.stringify({ apiVersion: "v1", kind: "List", items });
  return e.k(["apply", "--validate=false", "-f", "-"], list);
}

/** Waits (bounded) until every server is in its phase and only the started ones have a pod. */
async function converge(e: OperatorEnv) {
  try {
    return await until("every server in its phase", CONVERGE_BOUND_MS, async () => {
      const list = await servers(e);
      const pods = await serverPods(e);
      const ok = list.length === SERVERS && misplaced(list).length === 0 &&
        pods.filter((p) => !p.deleting).length === STARTED;
      return ok ? { list, pods } : undefined;
    });
  } catch (err) {
    console.log(`not converged: ${misplaced(await servers(e)).join(" ")}`);
    throw err;
  }
}

Deno.test({
  name:
    "faults: SIGKILL of the operator mid-creation of 50 servers: a new one converges, no orphan pod",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const e = await startOperatorEnv();
    try {
      const first = await e.startOperator(LEASE, "op-a");
      await applyServers(e, 0, SERVERS / 2);
      await requestStart(e, Array.from({ length: STARTED }, (_, i) => name(i)));
      // Kill while work is under way: the second half is being created, the first pod is made.
      const rest = applyServers(e, SERVERS / 2, SERVERS);
      const atKill = await firstPods(e);
      const existing = await servers(e);
      const unconverged = misplaced(existing).length + SERVERS - existing.length;
      await first.stop("SIGKILL");
      await rest;
      const t0 = performance.now();
      const next = await e.startOperator(LEASE, "op-b");
      const converged = await converge(e);
      const took = performance.now() - t0;
      console.log(
        `operator SIGKILL with ${atKill} pods made and ${unconverged}/${SERVERS} servers ` +
          `unconverged: all ${SERVERS} in their phase ${took.toFixed(0)} ms after the new ` +
          `operator started (lease 3 s)`,
      );
      assert.deepEqual(podProblems(converged.pods, converged.list), []);
      const running = converged.pods.map((p) => p.server).sort();
      assert.deepEqual(running, Array.from({ length: STARTED }, (_, i) => name(i)));
      // The operator's own API (as the cluster admin) agrees with the objects.
      const api = await fetch(`${next.url}/api/v1/servers`, { headers: e.authHeaders });
      assert.equal(api.status, 200);
      const items: { name: string; isRunning: boolean }[] = (await api.json()).items;
      const apiRunning = items.filter((s) => s.isRunning).map((s) => s.name).sort();
      assert.equal(items.length, SERVERS);
      assert.deepEqual(apiRunning, running, "the API reports the same servers running");
      // Nothing late: still one pod per started server a moment later.
      await new Promise((r) => setTimeout(r, 2000));
      const later = await serverPods(e);
      assert.deepEqual(podProblems(later, await servers(e)), []);
      assert.equal(later.length, STARTED, "no pod made or lost after convergence");
    } finally {
      closeKubeClient(e);
      await e.close();
    }
  },
});
