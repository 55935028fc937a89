/** The plugin's Kubernetes client: a small interface over REST calls and watches. */

import type { KubeConfig } from "@kubernetes/client-node";
import type { ResourceKind } from "../resources.ts";
import { ApiError, objectPath, request, resolveResource, watchPath } from "./rest.ts";
import type { Transport } from "./transport.ts";

/** Field manager of every write the plugin makes. */
export const FIELD_MANAGER = "kubectl-nmcp";

/** A Kubernetes object as plain JSON. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    creationTimestamp?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
} & Record<string, unknown>;

/** A list answer: items and the list's resourceVersion (to watch from). */
export interface ObjectList<T> {
  items: T[];
  resourceVersion: string;
}

/** A watch event. */
export interface WatchEvent<T> {
  type: string;
  object: T;
}

/** What the commands need from the API. */
export interface Kube {
  list<T = KubeObject>(
    kind: ResourceKind,
    namespace: string | undefined,
    labelSelector?: string,
  ): Promise<ObjectList<T>>;
  get<T = KubeObject>(kind: ResourceKind, namespace: string, name: string): Promise<T>;
  mergePatch<T = KubeObject>(
    kind: ResourceKind,
    namespace: string,
    name: string,
    patch: unknown,
  ): Promise<T>;
  remove(kind: ResourceKind, namespace: string, name: string): Promise<void>;
  /** Server-side apply of any object (its namespace must be set when namespaced). */
  apply(obj: KubeObject, force?: boolean): Promise<KubeObject>;
  /** Deletes any object; false when it was already absent. */
  removeObject(obj: KubeObject): Promise<boolean>;
  getPod<T = KubeObject>(namespace: string, name: string): Promise<T>;
  /** Names of all namespaces. */
  namespaces(): Promise<string[]>;
  events(namespace: string, name: string, uid?: string): Promise<KubeObject[]>;
  /** Watches a path from a resourceVersion; returns a stop function. */
  watch<T>(
    path: string,
    query: Record<string, string>,
    onEvent: (ev: WatchEvent<T>) => void,
    onDone: (err: unknown) => void,
  ): Promise<() => void>;
  /** client-node's KubeConfig for the same target (logs, port-forward); loaded on demand. */
  kubeConfig(): Promise<KubeConfig>;
}

/** The API path of a kind's collection (`/apis/g/v[/namespaces/ns]/plural`). */
export function collectionPath(kind: ResourceKind, namespace: string | undefined): string {
  const ns = namespace ? `/namespaces/${namespace}` : "";
  return `/apis/${kind.group}/${kind.version}${ns}/${kind.plural}`;
}

/** Creates a {@linkcode Kube} over a transport. */
export function createKube(t: Transport): Kube {
  const one = (kind: ResourceKind, ns: string, name: string) =>
    `${collectionPath(kind, ns)}/${name}`;
  return {
    kubeConfig: () => t.kubeConfig(),
    async list<T>(kind: ResourceKind, namespace: string | undefined, labelSelector?: string) {
      const list = await request<{ items?: T[]; metadata?: { resourceVersion?: string } }>(
        t,
        "GET",
        collectionPath(kind, namespace),
        { query: { labelSelector } },
      ).catch((err) => {
        if (!(err instanceof ApiError) || err.code !== 404) throw err;
        throw new Error(
          `Cannot list ${kind.plural}.${kind.group}: the API server does not serve them ` +
            `(install the CRDs with kubectl nmcp install)`,
        );
      });
      return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? "" };
    },
    get: <T>(kind: ResourceKind, ns: string, name: string) =>
      request<T>(t, "GET", one(kind, ns, name)),
    mergePatch: <T>(kind: ResourceKind, ns: string, name: string, patch: unknown) =>
      request<T>(t, "PATCH", one(kind, ns, name), {
        body: patch,
        contentType: "application/merge-patch+json",
        query: { fieldManager: FIELD_MANAGER },
      }),
    async remove(kind: ResourceKind, ns: string, name: string) {
      await request(t, "DELETE", one(kind, ns, name), {
        body: { propagationPolicy: "Background" },
      });
    },
    async apply(obj: KubeObject, force = false) {
      const res = await resolveResource(t, obj.apiVersion, obj.kind);
      const path = objectPath(obj.apiVersion, res, obj.metadata.namespace, obj.metadata.name);
      return await request<KubeObject>(t, "PATCH", path, {
        body: obj,
        contentType: "application/apply-patch+yaml",
        query: { fieldManager: FIELD_MANAGER, force: String(force) },
      });
    },
    async removeObject(obj: KubeObject) {
      try {
        const res = await resolveResource(t, obj.apiVersion, obj.kind);
        const path = objectPath(obj.apiVersion, res, obj.metadata.namespace, obj.metadata.name);
        await request(t, "DELETE", path, { body: { propagationPolicy: "Background" } });
        return true;
      } catch (err) {
        if (err instanceof ApiError && err.code === 404) return false;
        throw err;
      }
    },
    getPod: <T>(ns: string, name: string) =>
      request<T>(t, "GET", `/api/v1/namespaces/${ns}/pods/${name}`),
    async namespaces() {
      const list = await request<{ items: KubeObject[] }>(t, "GET", "/api/v1/namespaces");
      return list.items.map((n) => n.metadata.name ?? "");
    },
    async events(namespace: string, name: string, uid?: string) {
      const fieldSelector = uid
        ? `involvedObject.name=${name},involvedObject.uid=${uid}`
        : `involvedObject.name=${name}`;
      const list = await request<{ items: KubeObject[] }>(
        t,
        "GET",
        `/api/v1/namespaces/${namespace}/events`,
        { query: { fieldSelector } },
      );
      return list.items;
    },
    async watch<T>(
      path: string,
      query: Record<string, string>,
      onEvent: (ev: WatchEvent<T>) => void,
      onDone: (err: unknown) => void,
    ) {
      return await watchPath<T>(
        t,
        path,
        query,
        (type, object) => onEvent({ type, object }),
        onDone,
      );
    },
  };
}
