/**
 * A tiny in-memory stand-in for the harness API server (plain HTTP, pods only plus
 * ConfigMaps/Secrets reads and TokenRequests), for kubelet tests that need no kubectl.
 *
 * @module
 */

import type { PodStreamHandler, PodStreamSubresource, StoredPod } from "../contract.ts";
import type { Kubelet, KubeletOptions } from "./kubelet.ts";
import { startKubelet } from "./kubelet.ts";
import type { Pod } from "./types.ts";

type Event = { type: string; object: unknown };

/** A kubelet Event the fake received (the fields tests look at). */
export interface RecordedEvent {
  type: string;
  reason: string;
  message: string;
  involvedObject: { name: string; fieldPath?: string };
}

/** A running fake API server. */
export interface FakeApi {
  url: string;
  token: string;
  caCertPem: string;
  pods: Map<string, Pod>;
  configMaps: Map<string, Record<string, string>>;
  /** Events POSTed by the kubelet, oldest first. */
  events: RecordedEvent[];
  setPodStreamHandler(h: PodStreamHandler): void;
  createPod(pod: Omit<Pod, "metadata"> & { metadata: { name: string; namespace?: string } }): Pod;
  deletePod(ns: string, name: string, graceSeconds?: number): void;
  get(ns: string, name: string): Pod | undefined;
  stop(): Promise<void>;
}

/** Starts the fake on 127.0.0.1. */
export function startFakeApi(): FakeApi {
  let rv = 1;
  const pods = new Map<string, Pod>();
  const configMaps = new Map<string, Record<string, string>>();
  const watchers = new Set<(e: Event) => void>();
  const closers = new Set<() => void>();
  const history: Event[] = [];
  const events: RecordedEvent[] = [];
  let handler: PodStreamHandler | undefined;
  const emit = (type: string, pod: Pod) => {
    pod.metadata.resourceVersion = String(++rv);
    const e = { type, object: structuredClone(pod) };
    history.push(e);
    for (const w of watchers) w(e);
  };
  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });
  const remove = (key: string) => {
    const pod = pods.get(key);
    if (!pod) return;
    pods.delete(key);
    emit("DELETED", pod);
  };
  const ac = new AbortController();
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    async (req) => {
      const url = new URL(req.url);
      const p = url.pathname;
      if (p === "/api/v1/pods" && url.searchParams.get("watch") === "true") {
        let send: (e: Event) => void;
        const body = new ReadableStream<Uint8Array>({
          start(ctl) {
            closers.add(() => {
              try {
                ctl.close();
              } catch { /* cancelled */ }
            });
            send = (e) => ctl.enqueue(new TextEncoder().encode(JSON.stringify(e) + "\n"));
            const from = Number(url.searchParams.get("resourceVersion") ?? "0");
            for (const e of history) {
              const erv = Number((e.object as Pod).metadata.resourceVersion);
              if (erv > from) send(e);
            }
            watchers.add(send);
          },
          cancel() {
            watchers.delete(send);
          },
        });
        ac.signal.addEventListener("abort", () => {
          watchers.delete(send);
          closers.forEach((c) => c());
        });
        return new Response(body, { headers: { "content-type": "application/json" } });
      }
      if (p === "/api/v1/pods") {
        return json({ items: [...pods.values()], metadata: { resourceVersion: String(rv) } });
      }
      if (p === "/api/v1/nodes") return json({}, 201);
      if (/^\/api\/v1\/namespaces\/[^/]+\/events$/.test(p) && req.method === "POST") {
        events.push(await req.json());
        return json({}, 201);
      }
      const cm = /^\/api\/v1\/namespaces\/([^/]+)\/configmaps\/([^/]+)$/.exec(p);
      if (cm) {
        const data = configMaps.get(`${cm[1]}/${cm[2]}`);
        return data ? json({ data }) : json({ kind: "Status", code: 404 }, 404);
      }
      const sa = /^\/api\/v1\/namespaces\/([^/]+)\/serviceaccounts\/([^/]+)\/token$/.exec(p);
      if (sa && req.method === "POST") {
        const spec = (await req.json()).spec ?? {};
        const exp = new Date(Date.now() + (spec.expirationSeconds ?? 3600) * 1000);
        return json({ status: { token: `fake:${sa[1]}:${sa[2]}`, expirationTimestamp: exp } }, 201);
      }
      const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)(?:\/([a-z]+))?$/.exec(p);
      if (!m) return json({ kind: "Status", code: 404 }, 404);
      const key = `${m[1]}/${m[2]}`;
      const pod = pods.get(key);
      if (!pod) return json({ kind: "Status", code: 404 }, 404);
      const sub = m[3];
      if (sub === "binding") {
        const b = await req.json();
        pod.spec.nodeName = b.target.name;
        emit("MODIFIED", pod);
        return json({}, 201);
      }
      if (sub === "status") {
        pod.status = (await req.json()).status;
        emit("MODIFIED", pod);
        return json(pod);
      }
      if (sub && handler) {
        return handler(req, pod as unknown as StoredPod, sub as PodStreamSubresource);
      }
      if (req.method === "DELETE") {
        const opts = await req.json().catch(() => ({}));
        if (opts.gracePeriodSeconds === 0 || !pod.spec.nodeName) remove(key);
        return json(pod);
      }
      return json(pod);
    },
  );
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    token: "fake",
    caCertPem: "",
    pods,
    configMaps,
    events,
    setPodStreamHandler: (h) => handler = h,
    createPod(input) {
      const pod = {
        ...input,
        metadata: { namespace: "default", ...input.metadata, uid: crypto.randomUUID() },
      } as Pod;
      pods.set(`${pod.metadata.namespace}/${pod.metadata.name}`, pod);
      emit("ADDED", pod);
      return pod;
    },
    deletePod(ns, name, graceSeconds) {
      const pod = pods.get(`${ns}/${name}`);
      if (!pod) return;
      pod.metadata.deletionTimestamp = new Date().toISOString();
      pod.metadata.deletionGracePeriodSeconds = graceSeconds ??
        pod.spec.terminationGracePeriodSeconds ?? 30;
      emit("MODIFIED", pod);
    },
    get: (ns, name) => pods.get(`${ns}/${name}`),
    async stop() {
      ac.abort();
      await server.finished;
    },
  };
}

/** Runs `f` with a fake API and a real kubelet on it (stream handler installed), then stops both. */
export async function withFakeCluster(
  f: (api: FakeApi, kubelet: Kubelet) => Promise<void>,
  opts: Partial<KubeletOptions> = {},
): Promise<void> {
  const api = startFakeApi();
  const dir = await Deno.makeTempDir({ prefix: "kubelet-test-" });
  const kubelet = await startKubelet({ api, dataDir: dir, backoffBaseMs: 200, ...opts });
  api.setPodStreamHandler(kubelet.streamHandler);
  try {
    await f(api, kubelet);
  } finally {
    await kubelet.stop();
    await api.stop();
    await Deno.remove(dir, { recursive: true });
  }
}
