/**
 * Cluster DNS and kube-proxy for harness pods, as a file the netshim reads: the kubelet polls
 * Services and Endpoints and rewrites (atomically) a table of lines
 *   `name <svc>.<ns>.svc.cluster.local <clusterIP>` (also `<svc>.<ns>.svc`) and
 *   `route <clusterIP> <port> <podIP> <targetPort>` (`-` and 0 for a port with no ready endpoint),
 * so a pod's getaddrinfo() resolves Service names and its connect() to a ClusterIP:port reaches
 * a ready endpoint, as in a real cluster. Test infrastructure only.
 *
 * @module
 */

import type { KubeApi } from "./api.ts";

interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
}
interface Service {
  metadata: { name: string; namespace: string };
  spec?: { clusterIP?: string; ports?: ServicePort[] };
}
interface Endpoints {
  metadata: { name: string; namespace: string };
  subsets?: {
    addresses?: { ip: string }[];
    ports?: { name?: string; port: number; protocol?: string }[];
  }[];
}

/** The table for these Services and Endpoints (pure; sorted, so equal inputs give equal text). */
export function serviceTable(services: Service[], endpoints: Endpoints[]): string {
  const eps = new Map(endpoints.map((e) => [`${e.metadata.namespace}/${e.metadata.name}`, e]));
  const lines: string[] = [];
  for (const s of services) {
    const ip = s.spec?.clusterIP;
    if (!ip || ip === "None") continue;
    const { name, namespace } = s.metadata;
    lines.push(
      `name ${name}.${namespace}.svc.cluster.local ${ip}`,
      `name ${name}.${namespace}.svc ${ip}`,
    );
    const subset = eps.get(`${namespace}/${name}`)?.subsets?.find((x) => x.addresses?.length);
    for (const p of s.spec?.ports ?? []) {
      if ((p.protocol ?? "TCP") !== "TCP") continue;
      const target = subset?.ports?.find((ep) => (ep.name ?? "") === (p.name ?? "")) ??
        (subset?.ports?.length === 1 ? subset.ports[0] : undefined);
      const to = subset && target ? `${subset.addresses![0].ip} ${target.port}` : "- 0";
      lines.push(`route ${ip} ${p.port} ${to}`);
    }
  }
  return lines.sort().join("\n") + "\n";
}

/** Keeps `path` up to date with the cluster's Services (polled every `periodMs`) until aborted. */
export async function maintainServiceTable(
  api: KubeApi,
  path: string,
  signal: AbortSignal,
  periodMs = 300,
): Promise<void> {
  let last = "";
  while (!signal.aborted) {
    try {
      const [svcs, eps] = await Promise.all([
        api.request<{ items: Service[] }>("GET", "/api/v1/services", undefined, { signal }),
        api.request<{ items: Endpoints[] }>("GET", "/api/v1/endpoints", undefined, { signal }),
      ]);
      const text = serviceTable(svcs.items ?? [], eps.items ?? []);
      if (text !== last) {
        await Deno.writeTextFile(`${path}.tmp`, text);
        await Deno.rename(`${path}.tmp`, path);
        last = text;
      }
    } catch {
      // The API server is starting or stopping: try again next period.
    }
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, periodMs);
      signal.addEventListener("abort", () => (clearTimeout(t), resolve()), { once: true });
    });
  }
}
