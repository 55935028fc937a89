/** Shared set-up of the operator integration tests: harness cluster, CRDs, operator processes. */

import { type ClusterOptions, runKubectl, startCluster } from "../harness/mod.ts";

/** A JSON-RPC `initialize` request body, for raw HTTP probes of an MCP endpoint. */
export const INITIALIZE = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "initialize",
  params: {
    protocolVersion: "2025-06-18",
    capabilities: {},
    clientInfo: { name: "probe", version: "1" },
  },
});

/** Headers of a Streamable HTTP POST. */
export const MCP_HEADERS = {
  "content-type": "application/json",
  accept: "application/json, text/event-stream",
};

/** The repository root. */
export const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");

type HarnessCluster = Awaited<ReturnType<typeof startCluster>>;

/** An operator child process. */
export interface OperatorProc {
  url: string;
  identity: string;
  proc: Deno.ChildProcess;
  /** Sends a signal and waits for exit (bounded). */
  stop(signal?: Deno.Signal): Promise<number>;
  /** The collected stderr lines so far. */
  logs(): string[];
}

/** A cluster with nmcp's CRDs plus helpers. */
export interface OperatorEnv {
  cluster: HarnessCluster;
  env: Record<string, string>;
  /** Headers that authenticate a test as the cluster admin to the operator's port. */
  authHeaders: Record<string, string>;
  kubectl(
    args: string[],
    stdin?: string,
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  /** kubectl that throws on failure and returns stdout. */
  k(args: string[], stdin?: string): Promise<string>;
  /** Starts an operator; `extra` flags may be computed from its URL (e.g. `--public-url`). */
  startOperator(
    extra?: string[] | ((url: string) => string[]),
    identity?: string,
    kubeconfig?: string,
  ): Promise<OperatorProc>;
  close(): Promise<void>;
}

function freePort(): number {
  const l = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (l.addr as Deno.NetAddr).port;
  l.close();
  return port;
}

/** Polls `fn` until it returns a value (not undefined) or `ms` passes. */
export async function until<T>(
  what: string,
  ms: number,
  fn: () => Promise<T | undefined>,
): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Timed out after ${ms} ms waiting for ${what}${last ? `: ${last}` : ""}`);
}

/** Starts the harness (`opts` passed on), installs the CRDs and the nmcp-system namespace. */
export async function startOperatorEnv(opts: ClusterOptions = {}): Promise<OperatorEnv> {
  // The cluster claims a pod-IP range no other harness on the machine holds.
  const cluster = await startCluster({ backoffBaseMs: 200, ...opts });
  const home = await Deno.makeTempDir({ prefix: "nmcp-op-" });
  const env = {
    ...cluster.env(),
    HOME: home,
    PATH: Deno.env.get("PATH") ?? "/usr/bin:/bin",
    DENO_DIR: Deno.env.get("DENO_DIR") ?? `${Deno.env.get("HOME")}/.cache/deno`,
    NO_COLOR: "1",
  };
  const procs: OperatorProc[] = [];
  const kubectl = (args: string[], stdin?: string) =>
    runKubectl(args, { env, stdin, timeoutMs: 30_000 });
  const k = async (args: string[], stdin?: string) => {
    const r = await kubectl(args, stdin);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(" ")}: ${r.stderr}`);
    return r.stdout;
  };
  // Every CRD of crds/ (the operator watches all of nmcp's kinds).
  await k(["apply", "--validate=false", "-f", `${ROOT}/crds/`]);
  await k(
    ["apply", "--validate=false", "-f", "-"],
    JSON.stringify({ apiVersion: "v1", kind: "Namespace", metadata: { name: "nmcp-system" } }),
  );
  const startOperator = async (
    extra: string[] | ((url: string) => string[]) = [],
    identity = `op-${procs.length}`,
    kubeconfig = cluster.kubeconfigPath,
  ) => {
    const port = freePort();
    const flags = typeof extra === "function" ? extra(`http://127.0.0.1:${port}`) : extra;
    const child = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--config",
        `${ROOT}/deno.json`,
        `${ROOT}/operator/main.ts`,
        `--kubeconfig=${kubeconfig}`,
        `--listen=127.0.0.1:${port}`,
        "--gateway-image=ghcr.io/nwrx/nmcp:dev",
        "--launcher-image=busybox:1.37",
        ...flags,
      ],
      env: { ...env, POD_NAME: identity },
      clearEnv: true,
      stdin: "null",
      stdout: "null",
      stderr: "piped",
    }).spawn();
    const lines: string[] = [];
    const reading = (async () => {
      const reader = child.stderr.pipeThrough(new TextDecoderStream()).getReader();
      let buf = "";
      while (true) {
        const { value, done } = await reader.read();
        if (done) break;
        buf += value;
        const parts = buf.split("\n");
        buf = parts.pop()!;
        lines.push(...parts);
      }
    })();
    const url = `http://127.0.0.1:${port}`;
    let exited: number | undefined;
    child.status.then((s) => exited = s.code);
    await until("operator readyz", 30_000, async () => {
      if (exited !== undefined) throw new Error(`operator exited ${exited}: ${lines.join("\n")}`);
      const r = await fetch(`${url}/readyz`).catch(() => undefined);
      await r?.body?.cancel();
      return r?.ok ? true : undefined;
    });
    let stopped: Promise<number> | undefined;
    const op: OperatorProc = {
      url,
      identity,
      proc: child,
      logs: () => lines,
      stop(signal: Deno.Signal = "SIGTERM") {
        stopped ??= (async () => {
          try {
            child.kill(signal);
          } catch { /* already gone */ }
          const timer = setTimeout(() => {
            try {
              child.kill("SIGKILL");
            } catch { /* gone */ }
          }, 15_000);
          const s = await child.status;
          clearTimeout(timer);
          await reading;
          return s.code;
        })();
        return stopped;
      },
    };
    procs.push(op);
    return op;
  };
  return {
    cluster,
    env,
    authHeaders: { authorization: `Bearer ${cluster.apiServer.token}` },
    kubectl,
    k,
    startOperator,
    async close() {
      await Promise.all(procs.map((p) => p.stop()));
      await cluster.stop();
      await Deno.remove(home, { recursive: true }).catch(() => {});
    },
  };
}

/** Reads an MCPServer as JSON through kubectl. */
export async function getServer(e: OperatorEnv, name: string, ns = "default") {
  const r = await e.kubectl(["get", "mcpserver", name, "-n", ns, "-o", "json"]);
  if (r.code !== 0) return undefined;
  return JSON.parse(r.stdout) as {
    metadata: { annotations?: Record<string, string>; uid: string };
    status?: Record<string, unknown> & {
      phase?: string;
      conditions?: { type: string; status: string; reason: string; message: string }[];
    };
  };
}

/** An MCPServer manifest for the harness's everything image (stdio). */
export function everything(name: string, extra: Record<string, unknown> = {}): string {
  return JSON.stringify({
    apiVersion: "nmcp.nwrx.io/v1",
    kind: "MCPServer",
    metadata: { name, namespace: "default" },
    spec: {
      image: "mcp/everything:latest",
      command: ["mcp-server-everything"],
      args: ["stdio"],
      idleTimeout: 600,
      ...extra,
    },
  });
}

/** Sets the request annotation `nmcp.nwrx.io/{key}` (requested-at, stop-requested-at) to now. */
export const annotate = (e: OperatorEnv, name: string, key: string) =>
  e.k([
    "annotate",
    "--overwrite",
    "mcpserver",
    name,
    `nmcp.nwrx.io/${key}=${new Date().toISOString()}`,
  ]);

/** Applies an MCPPool in `default`. */
export const applyPool = (e: OperatorEnv, name: string, spec: Record<string, unknown>) =>
  e.k(
    ["apply", "--validate=false", "-f", "-"],
    JSON.stringify({
      apiVersion: "nmcp.nwrx.io/v1",
      kind: "MCPPool",
      metadata: { name, namespace: "default" },
      spec,
    }),
  );

/** The phase of an MCPServer in `default`, read through kubectl. */
export const phaseOf = async (e: OperatorEnv, name: string) =>
  (await getServer(e, name))?.status?.phase;
