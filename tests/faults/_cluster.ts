/** Cluster-side helpers of the fault suite: reads over the API, requests, a pod's gateway pid. */
import assert from "node:assert/strict";
import { ANNOTATIONS, LABELS } from "../../lib/api/constants.ts";
import { type OperatorEnv, until } from "../integration/operator_env.ts";
import { findProcesses } from "./_support.ts";

/** The parts of a pod the suite checks. */
export interface PodView {
  name: string;
  uid: string;
  server: string;
  owners: { kind: string; name: string; uid: string }[];
  deleting: boolean;
  ready: boolean;
  gatewayRestarts: number;
}

/** The parts of an MCPServer the suite checks. */
export interface ServerView {
  name: string;
  uid: string;
  phase?: string;
  totalRequests?: number;
}

const clients = new WeakMap<OperatorEnv, Deno.HttpClient>();

/** GETs `path` of the API server as the admin (HTTPS with the cluster CA). */
export async function kubeGet<T>(e: OperatorEnv, path: string): Promise<T> {
  let client = clients.get(e);
  if (!client) {
    client = Deno.createHttpClient({ caCerts: [e.cluster.apiServer.caCertPem] });
    clients.set(e, client);
  }
  const r = await fetch(`${e.cluster.url}${path}`, {
    client,
    headers: e.authHeaders,
    signal: AbortSignal.timeout(10_000),
  });
  if (!r.ok) throw new Error(`Cannot get "${path}": HTTP ${r.status} ${await r.text()}`);
  return await r.json() as T;
}

/** Closes the HTTP client {@linkcode kubeGet} made for `e`. */
export function closeKubeClient(e: OperatorEnv): void {
  clients.get(e)?.close();
  clients.delete(e);
}

type PodJson = {
  metadata: {
    name: string;
    uid: string;
    labels?: Record<string, string>;
    deletionTimestamp?: string;
    ownerReferences?: { kind: string; name: string; uid: string }[];
  };
  status?: {
    conditions?: { type: string; status: string }[];
    initContainerStatuses?: { name: string; restartCount: number }[];
    containerStatuses?: { name: string; restartCount: number }[];
  };
};

/** The nmcp server pods of namespace default. */
export async function serverPods(e: OperatorEnv): Promise<PodView[]> {
  const list = await kubeGet<{ items: PodJson[] }>(
    e,
    `/api/v1/namespaces/default/pods?labelSelector=${encodeURIComponent(LABELS.server)}`,
  );
  return list.items.map((p) => {
    const statuses = [
      ...(p.status?.initContainerStatuses ?? []),
      ...(p.status?.containerStatuses ?? []),
    ];
    return {
      name: p.metadata.name,
      uid: p.metadata.uid,
      server: p.metadata.labels?.[LABELS.server] ?? "",
      owners: (p.metadata.ownerReferences ?? []).map(({ kind, name, uid }) => ({
        kind,
        name,
        uid,
      })),
      deleting: p.metadata.deletionTimestamp !== undefined,
      ready: p.status?.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false,
      gatewayRestarts: statuses.find((s) => s.name === "nmcp-gateway")?.restartCount ?? 0,
    };
  });
}

/** The MCPServers of namespace default. */
export async function servers(e: OperatorEnv): Promise<ServerView[]> {
  const list = await kubeGet<
    { items: { metadata: { name: string; uid: string }; status?: Record<string, unknown> }[] }
  >(e, "/apis/nmcp.nwrx.io/v1/namespaces/default/mcpservers");
  return list.items.map((s) => ({
    name: s.metadata.name,
    uid: s.metadata.uid,
    phase: s.status?.phase as string | undefined,
    totalRequests: s.status?.totalRequests as number | undefined,
  }));
}

/** Asks the operator to run `names` (the `requested-at` annotation, as `kubectl nmcp start`). */
export async function requestStart(e: OperatorEnv, names: string[]): Promise<void> {
  const at = `${ANNOTATIONS.requestedAt}=${new Date().toISOString()}`;
  await e.k(["annotate", "--overwrite", "mcpserver", ...names, at]);
}

/**
 * Pod problems: pods not owned (as controller) by an existing MCPServer of their label, and
 * servers with more than one live pod. Empty when every pod is accounted for.
 */
export function podProblems(pods: PodView[], list: ServerView[]): string[] {
  const uids = new Map(list.map((s) => [s.name, s.uid]));
  const problems: string[] = [];
  const perServer = new Map<string, number>();
  for (const p of pods) {
    const owner = p.owners.find((o) => o.kind === "MCPServer");
    if (!owner || owner.uid !== uids.get(p.server) || owner.name !== p.server) {
      problems.push(`orphan pod ${p.name} (server ${p.server}, owner ${JSON.stringify(owner)})`);
    }
    if (!p.deleting) perServer.set(p.server, (perServer.get(p.server) ?? 0) + 1);
  }
  for (const [s, n] of perServer) if (n > 1) problems.push(`${n} live pods for ${s}`);
  return problems;
}

/** The pid of the gateway process running in pod `podName` (the harness sets HOSTNAME). */
export async function gatewayPid(podName: string): Promise<number> {
  const pids = await findProcesses(["gateway/main.ts", "--fifo"], `HOSTNAME=${podName}`);
  assert.equal(pids.length, 1, `one gateway process in pod ${podName}: ${pids}`);
  return pids[0];
}

/** Waits (bounded) until MCPServer `name` reports `phase`. */
export async function untilPhase(e: OperatorEnv, name: string, phase: string, ms: number) {
  await until(`${name} ${phase}`, ms, async () => {
    const s = (await servers(e)).find((s) => s.name === name);
    return s?.phase === phase || undefined;
  });
}
