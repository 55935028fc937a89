/**
 * Operator benchmark against the harness: 1,000 MCPServers created at once must converge
 * (every status written; Idle with no request) — time and the operator's peak RSS (VmHWM) —
 * then wake latency through the router (request → first tool result) next to the bare
 * process start of the same server over stdio.
 *
 * `deno task bench operator [--servers N]`
 */

// @ts-types="@modelcontextprotocol/sdk/client/index"
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
// @ts-types="@modelcontextprotocol/sdk/client/stdio"
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
// @ts-types="@modelcontextprotocol/sdk/client/streamableHttp"
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { startCluster } from "../tests/harness/mod.ts";
import {
  createKubeClient,
  loadClusterAccess,
  OPERATOR_V8_FLAGS,
  resourcePath,
  RESOURCES,
} from "../operator/mod.ts";

const ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");
const EVERYTHING = `${ROOT}/node_modules/@modelcontextprotocol/server-everything/dist/index.js`;

function vmHwmKb(pid: number): number {
  const s = Deno.readTextFileSync(`/proc/${pid}/status`);
  return Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0);
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

async function waitFor(
  what: string,
  ms: number,
  fn: () => Promise<boolean>,
  everyMs = 100,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await fn().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, everyMs));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

function server(name: string) {
  return {
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name, namespace: "default" },
    spec: {
      image: "mcp/everything:latest",
      command: ["mcp-server-everything"],
      args: ["stdio"],
      idleTimeout: 600,
    },
  };
}

async function toolCall(transport: StdioClientTransport | StreamableHTTPClientTransport) {
  const client = new Client({ name: "bench", version: "1" });
  await client.connect(transport);
  await client.callTool({ name: "echo", arguments: { message: "x" } });
  return client;
}

async function bareStart(): Promise<number> {
  const t0 = performance.now();
  const transport = new StdioClientTransport({
    command: Deno.execPath(),
    args: ["run", "-A", "--config", `${ROOT}/deno.json`, EVERYTHING, "stdio"],
    stderr: "ignore",
  });
  const client = await toolCall(transport);
  const ms = performance.now() - t0;
  await client.close();
  return ms;
}

/** Runs the benchmark; returns the exit code (1 when a target is missed). */
export async function run(args: string[]): Promise<number> {
  const n = Number(args[args.indexOf("--servers") + 1]) || 1000;
  const cluster = await startCluster();
  const client = createKubeClient(await loadClusterAccess({ kubeconfig: cluster.kubeconfigPath }));
  let op: Deno.ChildProcess | undefined;
  try {
    for (const f of ["mcpservers", "mcppools"]) {
      const yaml = await Deno.readTextFile(`${ROOT}/crds/nmcp.nwrx.io_${f}.yaml`);
      const { parse } = await import("yaml");
      await client.request("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
        body: parse(yaml),
      });
    }
    await waitFor("CRDs served", 10_000, async () => {
      await client.request("GET", resourcePath(RESOURCES.servers, "default"));
      return true;
    });
    const port = freePort();
    op = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        `${ROOT}/deno.json`,
        `${ROOT}/operator/main.ts`,
        `--kubeconfig=${cluster.kubeconfigPath}`,
        `--listen=127.0.0.1:${port}`,
        "--no-leader-elect",
        "--gateway-image=ghcr.io/nwrx/nmcp:dev",
        "--log-level=warn",
        "--workers=16",
      ],
      // The same V8 tuning as the Deployment from operatorManifests() (small young generation).
      env: { DENO_V8_FLAGS: Deno.env.get("NMCP_BENCH_V8") ?? OPERATOR_V8_FLAGS },
      stdin: "null",
      stdout: "null",
      stderr: "inherit",
    }).spawn();
    const url = `http://127.0.0.1:${port}`;
    await waitFor("operator ready", 30_000, async () => (await fetch(`${url}/readyz`)).ok);
    const baseRss = vmHwmKb(op.pid);

    const t0 = performance.now();
    const names = Array.from({ length: n }, (_, i) => `bench-${i}`);
    let next = 0;
    await Promise.all(Array.from({ length: 32 }, async () => {
      while (next < names.length) {
        const body = server(names[next++]);
        await client.request("POST", resourcePath(RESOURCES.servers, "default"), { body });
      }
    }));
    const created = performance.now() - t0;
    await waitFor(`${n} servers Idle`, 120_000, async () => {
      const list = await client.request<{ items: { status?: { phase?: string } }[] }>(
        "GET",
        resourcePath(RESOURCES.servers, "default"),
      );
      return list.items.filter((s) => s.status?.phase === "Idle").length === n;
    }, 500);
    const converged = performance.now() - t0;
    const rssMb = vmHwmKb(op.pid) / 1024;
    // The admin token (kubernetes-admin, system:masters): the port reviews it with the harness.
    const headers = { authorization: `Bearer ${cluster.apiServer.token}` };
    const metrics = await (await fetch(`${url}/metrics`, { headers })).text();
    const pick = (re: RegExp) => metrics.split("\n").filter((l) => re.test(l)).join("; ");
    console.log(`operator: ${pick(/^nmcp_reconcile_(total|duration_seconds_(sum|count))/)}`);

    const bare = await bareStart();
    const w0 = performance.now();
    const http = new StreamableHTTPClientTransport(
      new URL(`${url}/servers/default/bench-0/mcp`),
      { requestInit: { headers } },
    );
    const mcp = await toolCall(http);
    const wake = performance.now() - w0;
    await http.terminateSession().catch(() => {});
    await mcp.close();

    console.log(
      `operator: ${n} MCPServers created in ${created.toFixed(0)} ms, all Idle after ` +
        `${converged.toFixed(0)} ms (target < 10000 ms)`,
    );
    console.log(
      `operator: peak RSS (VmHWM) ${rssMb.toFixed(1)} MB (at start ${
        (baseRss / 1024).toFixed(1)
      } MB; target < 100 MB)`,
    );
    console.log(
      `operator: wake latency (request → first tool result) ${wake.toFixed(0)} ms; ` +
        `bare process start (spawn → first tool result over stdio) ${bare.toFixed(0)} ms`,
    );
    return converged < 10_000 && rssMb < 100 ? 0 : 1;
  } finally {
    if (op) {
      op.kill("SIGTERM");
      await op.status;
    }
    client.close();
    await cluster.stop();
  }
}

export default run;

if (import.meta.main) Deno.exit(await run(Deno.args));
