/** The plugin's Kubernetes client: the commands' operations over lib/kube's REST client. */

import {
  type ClusterAccess,
  isNotFound,
  type KubeClient,
  objectPath,
  readWatch,
  resolveResource,
  resourcePath,
  RESOURCES,
  type WatchEvent,
} from "../../lib/kube/mod.ts";
import type { ResourceKind } from "../resources.ts";

export type { WatchEvent };

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
  /** Opens a GET stream (pod logs) at an encoded path from {@linkcode resourcePath}. */
  stream(path: string, query?: Record<string, string | undefined>): Promise<Response>;
  /** The credentials and TLS material of the target (port-forward WebSockets reuse them). */
  clusterAccess(): Promise<ClusterAccess>;
}

/** The API path of a kind's collection (`/apis/g/v[/namespaces/ns]/plural`), encoded. */
export function collectionPath(kind: ResourceKind, namespace: string | undefined): string {
  return resourcePath(kind, namespace);
}

/** Creates a {@linkcode Kube} over a client for `access`. */
export function createKube(client: KubeClient, access: ClusterAccess): Kube {
  const one = (kind: ResourceKind, ns: string, name: string) => resourcePath(kind, ns, name);
  const background = { body: { propagationPolicy: "Background" } };
  const pathOf = async (obj: KubeObject) => {
    const res = await resolveResource(client, obj.apiVersion, obj.kind);
    return objectPath(obj.apiVersion, res, obj.metadata.namespace, obj.metadata.name);
  };
  return {
    clusterAccess: () => Promise.resolve(access),
    stream: (path, query) => client.stream(path, { query, accept: "*/*" }),
    async list<T>(kind: ResourceKind, namespace: string | undefined, labelSelector?: string) {
      const list = await client.request<{ items?: T[]; metadata?: { resourceVersion?: string } }>(
        "GET",
        collectionPath(kind, namespace),
        { query: { labelSelector } },
      ).catch((err) => {
        if (!isNotFound(err)) throw err;
        throw new Error(
          `Cannot list ${kind.plural}.${kind.group}: the API server does not serve them ` +
            `(install the CRDs with kubectl nmcp install)`,
        );
      });
      return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? "" };
    },
    get: <T>(kind: ResourceKind, ns: string, name: string) =>
      client.request<T>("GET", one(kind, ns, name)),
    mergePatch: <T>(kind: ResourceKind, ns: string, name: string, patch: unknown) =>
      client.request<T>("PATCH", one(kind, ns, name), {
        body: patch,
        contentType: "application/merge-patch+json",
        query: { fieldManager: FIELD_MANAGER },
      }),
    async remove(kind: ResourceKind, ns: string, name: string) {
      await client.request("DELETE", one(kind, ns, name), background);
    },
    async apply(obj: KubeObject, force = false) {
      return await client.request<KubeObject>("PATCH", await pathOf(obj), {
        body: obj,
        contentType: "application/apply-patch+yaml",
        query: { fieldManager: FIELD_MANAGER, force: String(force) },
      });
    },
    async removeObject(obj: KubeObject) {
      try {
        await client.request("DELETE", await pathOf(obj), background);
        return true;
      } catch (err) {
        if (isNotFound(err)) return false;
        throw err;
      }
    },
    getPod: <T>(ns: string, name: string) =>
      client.request<T>("GET", resourcePath(RESOURCES.pods, ns, name)),
    async namespaces() {
      const list = await client.request<{ items: KubeObject[] }>(
        "GET",
        resourcePath(RESOURCES.namespaces),
      );
      return list.items.map((n) => n.metadata.name ?? "");
    },
    async events(namespace: string, name: string, uid?: string) {
      const fieldSelector = uid
        ? `involvedObject.name=${name},involvedObject.uid=${uid}`
        : `involvedObject.name=${name}`;
      const list = await client.request<{ items: KubeObject[] }>(
        "GET",
        resourcePath(RESOURCES.events, namespace),
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
      const ctl = new AbortController();
      const res = await client.stream(path, {
        query: { ...query, watch: true },
        signal: ctl.signal,
      });
      readWatch<T>(res.body!, onEvent).then(
        () => onDone(null),
        (err) => onDone(ctl.signal.aborted ? null : err),
      );
      return () => ctl.abort();
    },
  };
}
