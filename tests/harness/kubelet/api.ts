/**
 * The kubelet's API client: HTTPS with the cluster CA and a bearer token, like a real
 * kubelet's. Lists and watches pods, binds, writes status, deletes, reads ConfigMaps/Secrets.
 *
 * @module
 */

import type { IssuedToken } from "./sa_token.ts";
import type { Pod, PodStatus } from "./types.ts";

/** Connection settings of the API server. */
export interface ApiConfig {
  url: string;
  token: string;
  caCertPem: string;
}

/** A watch event. */
export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: Pod & { code?: number };
}

/** An HTTP error from the API server. */
export class ApiError extends Error {
  /** The HTTP status. */
  code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

/** A thin typed client of the endpoints the kubelet uses. */
export class KubeApi {
  #cfg: ApiConfig;
  #client: Deno.HttpClient;
  #inflight = new Set<Promise<unknown>>();

  constructor(cfg: ApiConfig) {
    this.#cfg = cfg;
    this.#client = Deno.createHttpClient(cfg.caCertPem ? { caCerts: [cfg.caCertPem] } : {});
  }

  /** Sends one request; JSON in and out. */
  async request<T>(
    method: string,
    path: string,
    body?: unknown,
    opts: { contentType?: string; signal?: AbortSignal } = {},
  ): Promise<T> {
    const res = await this.raw(method, path, body, opts);
    const text = await res.text();
    if (!res.ok) throw new ApiError(res.status, `${method} ${path}: ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Sends one request and returns the raw response. */
  raw(
    method: string,
    path: string,
    body?: unknown,
    opts: { contentType?: string; signal?: AbortSignal } = {},
  ): Promise<Response> {
    const headers: Record<string, string> = {
      authorization: `Bearer ${this.#cfg.token}`,
      accept: "application/json",
    };
    if (body !== undefined) headers["content-type"] = opts.contentType ?? "application/json";
    return fetch(`${this.#cfg.url}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      client: this.#client,
      signal: opts.signal,
    });
  }

  /** Lists all pods; returns items and the list resourceVersion. */
  async listPods(): Promise<{ items: Pod[]; resourceVersion: string }> {
    const list = await this.request<{ items: Pod[]; metadata: { resourceVersion: string } }>(
      "GET",
      "/api/v1/pods",
    );
    return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? "0" };
  }

  /** Watches pods from `rv`, calling `onEvent` per line, until the stream ends or aborts. */
  async watchPods(
    rv: string,
    onEvent: (e: WatchEvent) => void,
    signal: AbortSignal,
  ): Promise<void> {
    const path = `/api/v1/pods?watch=true&allowWatchBookmarks=true&resourceVersion=${rv}`;
    const res = await this.raw("GET", path, undefined, { signal });
    if (!res.ok || !res.body) {
      await res.body?.cancel();
      throw new ApiError(res.status, `Cannot watch pods: HTTP ${res.status}`);
    }
    let buf = "";
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    try {
      while (true) {
        const { value, done } = await reader.read();
        if (done) return;
        buf += value;
        let nl;
        while ((nl = buf.indexOf("\n")) >= 0) {
          const line = buf.slice(0, nl).trim();
          buf = buf.slice(nl + 1);
          if (line) onEvent(JSON.parse(line) as WatchEvent);
        }
      }
    } finally {
      await reader.cancel().catch(() => {});
    }
  }

  /** Binds a pod to a node: the binding subresource, else a merge patch of spec.nodeName. */
  async bind(pod: Pod, node: string): Promise<void> {
    const { namespace: ns, name } = pod.metadata;
    const base = `/api/v1/namespaces/${ns}/pods/${name}`;
    const binding = {
      apiVersion: "v1",
      kind: "Binding",
      metadata: { name, namespace: ns },
      target: { apiVersion: "v1", kind: "Node", name: node },
    };
    try {
      await this.request("POST", `${base}/binding`, binding);
    } catch (e) {
      if (!(e instanceof ApiError) || ![404, 405].includes(e.code)) throw e;
      await this.request("PATCH", base, { spec: { nodeName: node } }, {
        contentType: "application/merge-patch+json",
      });
    }
  }

  /** Writes a pod's whole status through the status subresource. */
  async patchStatus(pod: Pod, status: PodStatus): Promise<void> {
    const { namespace: ns, name } = pod.metadata;
    await this.request("PATCH", `/api/v1/namespaces/${ns}/pods/${name}/status`, { status }, {
      contentType: "application/merge-patch+json",
    });
  }

  /** Deletes a pod with grace 0 (after its containers stopped). */
  async deletePodNow(pod: Pod): Promise<void> {
    const { namespace: ns, name, uid } = pod.metadata;
    await this.request("DELETE", `/api/v1/namespaces/${ns}/pods/${name}`, {
      apiVersion: "v1",
      kind: "DeleteOptions",
      gracePeriodSeconds: 0,
      preconditions: { uid },
    }).catch((e) => {
      if (!(e instanceof ApiError) || e.code !== 404) throw e;
    });
  }

  /** Requests a token of the pod's ServiceAccount bound to the pod (TokenRequest API). */
  async requestToken(pod: Pod, expirationSeconds: number): Promise<IssuedToken> {
    const { namespace: ns, name, uid } = pod.metadata;
    const sa = pod.spec.serviceAccountName || "default";
    const r = await this.request<{ status: IssuedToken }>(
      "POST",
      `/api/v1/namespaces/${ns}/serviceaccounts/${sa}/token`,
      {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { expirationSeconds, boundObjectRef: { kind: "Pod", apiVersion: "v1", name, uid } },
      },
    );
    return r.status;
  }

  /** Reads a ConfigMap's data or a Secret's decoded data; null when absent. */
  async readData(
    kind: "configmaps" | "secrets",
    ns: string,
    name: string,
  ): Promise<Record<string, string> | null> {
    try {
      const obj = await this.request<{ data?: Record<string, string> }>(
        "GET",
        `/api/v1/namespaces/${ns}/${kind}/${name}`,
      );
      const data = obj.data ?? {};
      if (kind === "configmaps") return data;
      const dec = new TextDecoder();
      return Object.fromEntries(
        Object.entries(data).map(([k, v]) => [
          k,
          dec.decode(Uint8Array.from(atob(v), (ch) => ch.charCodeAt(0))),
        ]),
      );
    } catch (e) {
      if (e instanceof ApiError && e.code === 404) return null;
      throw e;
    }
  }

  /** Records an Event about a pod (fire and forget: failures are ignored). */
  async podEvent(
    pod: Pod,
    e: { type: string; reason: string; message: string; fieldPath?: string; node: string },
  ): Promise<void> {
    const { namespace: ns, name, uid } = pod.metadata;
    const now = new Date().toISOString();
    const suffix = [...crypto.getRandomValues(new Uint8Array(8))]
      .map((b) => b.toString(16).padStart(2, "0")).join("");
    const sent = this.request("POST", `/api/v1/namespaces/${ns}/events`, {
      apiVersion: "v1",
      kind: "Event",
      metadata: { name: `${name}.${suffix}`, namespace: ns },
      involvedObject: {
        apiVersion: "v1",
        kind: "Pod",
        name,
        namespace: ns,
        uid,
        ...(e.fieldPath ? { fieldPath: e.fieldPath } : {}),
      },
      reason: e.reason,
      message: e.message,
      type: e.type,
      source: { component: "kubelet", host: e.node },
      reportingComponent: "kubelet",
      reportingInstance: e.node,
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
    }).catch(() => {});
    this.#inflight.add(sent);
    await sent;
    this.#inflight.delete(sent);
  }

  /** Waits for fire-and-forget writes (events) still in flight. */
  async drain(): Promise<void> {
    await Promise.all([...this.#inflight]);
  }

  /** Creates the Node object when the API server serves nodes; ignores any failure. */
  async registerNode(node: string, hostIP: string): Promise<void> {
    const now = new Date().toISOString();
    await this.request("POST", "/api/v1/nodes", {
      apiVersion: "v1",
      kind: "Node",
      metadata: { name: node, labels: { "kubernetes.io/hostname": node } },
      status: {
        addresses: [{ type: "InternalIP", address: hostIP }, { type: "Hostname", address: node }],
        conditions: [{ type: "Ready", status: "True", lastTransitionTime: now, reason: "Harness" }],
      },
    }).catch(() => {});
  }

  /** Closes the HTTP client. */
  close(): void {
    this.#client.close();
  }
}
