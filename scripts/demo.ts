/**
 * `deno task demo`: the whole of nmcp on the embedded harness cluster, narrated.
 *
 * Starts the harness, installs nmcp as `kubectl nmcp install` does (the operator runs as a
 * Deployment in the cluster), applies examples/, connects a real MCP client through
 * `kubectl nmcp connect`, shows scale-to-zero and a pool limit queueing a request. Exits 0
 * only when every step did what it said. `--keep` leaves the cluster up for trying by hand.
 * First the set-up (scripts/setup.ts) installs what the machine lacks and builds the bundle.
 */

import { dirname } from "node:path";
import { startCluster } from "../tests/harness/mod.ts";
import { check, DemoError, describeFailure, Narrator } from "./demo/narrator.ts";
import { expectLine, type Ran, Shell } from "./demo/shell.ts";
import { connectClient } from "./demo/support.ts";
import { setUp } from "./setup.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");
const IMAGE = "ghcr.io/nwrx/nmcp:dev";
const keep = Deno.args.includes("--keep");
const say = new Narrator();

const phase = async (sh: Shell, name: string) =>
  (await sh.kubectl(["get", "mcps", name, "-o", "jsonpath={.status.phase}"])).stdout;

async function waitPhase(sh: Shell, name: string, want: string, seconds: number) {
  const r = await sh.kubectl([
    "wait",
    `--for=jsonpath={.status.phase}=${want}`,
    `mcps/${name}`,
    `--timeout=${seconds}s`,
  ]);
  check(r.code === 0, failed(`kubectl wait mcps/${name} (phase ${await phase(sh, name)})`, r));
}

/** The failure message of a finished command: its exit code and stderr. */
const failed = (command: string, r: Ran) =>
  describeFailure({ command, code: r.code, stderr: r.stderr });

async function show(sh: Shell, args: string[], input?: string): Promise<string> {
  const r = await sh.kubectl(args, input);
  say.command(`kubectl ${args.join(" ")}`, r.stdout + r.stderr);
  check(r.code === 0, failed(`kubectl ${args.join(" ")}`, r));
  return r.stdout;
}

async function main(): Promise<void> {
  // What the machine lacks is installed (root) or named in one line before any step runs.
  const missing = await setUp("demo");
  if (missing) throw new DemoError(missing);
  say.step("Start a cluster: the harness API server and its process kubelet");
  const cluster = await startCluster();
  const denoDir = dirname(Deno.execPath());
  const sh = new Shell({
    ...cluster.env(),
    PATH: `${ROOT}/bin:${denoDir}:${Deno.env.get("PATH")}`,
    HOME: Deno.env.get("HOME") ?? "/tmp",
    NO_COLOR: "1",
  });
  say.done(`API server at ${cluster.url}, kubeconfig ${cluster.kubeconfigPath}`);
  const interrupted = untilSignal();
  try {
    await Promise.race([scenario(sh), interrupted.then(() => Promise.reject(INTERRUPTED))]);
    say.finish();
    if (keep) await keepRunning(cluster.kubeconfigPath, interrupted);
  } finally {
    sh.killAll(); // e.g. a `kubectl nmcp connect` still running after Ctrl-C
    await cluster.stop();
  }
}

const INTERRUPTED = new DemoError("interrupted (the cluster and its processes were stopped)");

/** Resolves on the first SIGINT or SIGTERM: Ctrl-C must still stop every pod process. */
function untilSignal(): Promise<void> {
  return new Promise((resolve) => {
    for (const sig of ["SIGINT", "SIGTERM"] as const) Deno.addSignalListener(sig, () => resolve());
  });
}

/** `kubectl patch KIND NAME --type=merge` of `spec`, shown. */
const patch = (sh: Shell, kind: string, name: string, spec: unknown) =>
  show(sh, ["patch", kind, name, "--type=merge", "-p", JSON.stringify({ spec })]);

async function scenario(sh: Shell): Promise<void> {
  say.step("Install nmcp the way users do: kubectl nmcp install");
  await show(sh, ["nmcp", "install", "--image", IMAGE]);
  const rollout = await sh.kubectl([
    "wait",
    "-n",
    "nmcp-system",
    "--for=condition=Available",
    "deployment/nmcp-operator",
    "--timeout=120s",
  ]);
  check(rollout.code === 0, failed("the operator did not become available: kubectl wait", rollout));
  say.done("the operator runs as a Deployment in nmcp-system");

  say.step("Apply the examples: a stdio MCP server, an HTTP one and a pool");
  await show(sh, ["nmcp", "apply", "-f", "examples/"]);
  const ls = await show(sh, ["nmcp", "ls"]);
  check(/everything\s+Idle\s+default/.test(ls), "servers should start Idle, with no pod");
  say.done("servers exist but nothing runs yet (scale-to-zero by default)");

  say.step("Connect: kubectl nmcp connect wakes the server and tunnels it to 127.0.0.1");
  const t0 = performance.now();
  const connect = sh.spawn(["nmcp", "connect", "everything"]);
  const out = await expectLine(connect, /MCP endpoint: (http:\/\/\S+)/, 180_000);
  say.command("kubectl nmcp connect everything", out.text);
  const url = out.match[1];
  say.done(
    `woke everything and opened ${url} in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );

  say.step("A real MCP client (the official SDK) lists the tools and calls one");
  const result = await connectClient(url, say);
  check(result.text.includes("hello from the nmcp demo"), `echo returned ${result.text}`);
  say.done("the tool answered through the gateway sidecar");

  say.step("Close the client; after idleTimeout (8 s) the server scales back to zero");
  await result.close();
  connect.child.kill("SIGTERM");
  await connect.child.status;
  await out.rest.cancel().catch(() => {});
  // Shortened only now: set before, it could stop a slow start before the client got there.
  await patch(sh, "mcps", "everything", { idleTimeout: 8 });
  await waitPhase(sh, "everything", "Idle", 90);
  await show(sh, ["nmcp", "ls"]);
  await show(sh, ["get", "pods", "-l", "nmcp.nwrx.io/server=everything"]);
  say.done("no pod left for everything");

  say.step("A pool limit queues a request: pool default allows 2 running servers");
  // While the pool is full nobody may idle out: a longer idleTimeout (a Go-style duration), and
  // room for both running servers to idle warm (with maxIdle 1 one is evicted after 30 s).
  await patch(sh, "mcps", "everything", { idleTimeout: "10m" });
  await patch(sh, "mcpp", "default", { maxIdle: 2 });
  await show(sh, ["nmcp", "apply", "-f", "-"], thirdServer());
  await show(sh, ["nmcp", "start", "everything", "everything-http"]);
  await waitPhase(sh, "everything", "Ready", 120);
  await waitPhase(sh, "everything-http", "Ready", 120);
  await show(sh, ["nmcp", "start", "everything-extra"]);
  await waitPhase(sh, "everything-extra", "Requested", 30);
  const queued = await show(sh, ["nmcp", "ls"]);
  check(/everything-extra\s+Requested\s+default/.test(queued), "the third server should wait");
  const why = await sh.kubectl([
    "get",
    "mcps",
    "everything-extra",
    "-o",
    "jsonpath={.status.conditions[?(@.type=='Queued')].message}",
  ]);
  say.say(`Queued: ${why.stdout}`);
  await show(sh, ["nmcp", "stop", "everything"]);
  await waitPhase(sh, "everything-extra", "Ready", 120);
  await show(sh, ["nmcp", "ls"]);
  say.done("stopping one server let the queued one start");
}

function thirdServer(): string {
  return `apiVersion: nmcp.nwrx.io/v1
kind: MCPServer
metadata:
  name: everything-extra
spec:
  pool: default
  image: mcp/everything
  command: ["mcp-server-everything"]
  args: ["stdio"]
`;
}

async function keepRunning(kubeconfig: string, interrupted: Promise<void>): Promise<void> {
  console.log(`\nThe cluster stays up until Ctrl-C. Try:\n`);
  console.log(`  export KUBECONFIG=${kubeconfig} PATH=${ROOT}/bin:$PATH`);
  console.log(`  kubectl nmcp ls`);
  console.log(`  kubectl nmcp connect everything`);
  console.log(`  kubectl get pods -A\n`);
  await interrupted;
}

if (import.meta.main) {
  try {
    await main();
  } catch (err) {
    say.finish(err);
    if (!(err instanceof DemoError)) console.error(err);
    Deno.exit(1);
  }
}
