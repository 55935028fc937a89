/** The plugin's Kubernetes client: client-node under a small interface the commands use. */

import {
  CoreV1Api,
  CustomObjectsApi,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  type V1Pod,
  Watch,
} from "@kubernetes/client-node";
import type { ResourceKind } from "../resources.ts";

/** Field manager of every write the plugin makes. */
export const FIELD_MANAGER = "kubectl-nmcp";

/** A Kubernetes object as plain JSON. */
export type KubeObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
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
  getPod(namespace: string, name: string): Promise<V1Pod>;
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
  readonly kc: KubeConfig;
}

/** The API path of a kind's collection (`/apis/g/v[/namespaces/ns]/plural`). */
export function collectionPath(kind: ResourceKind, namespace: string | undefined): string {
  const ns = namespace ? `/namespaces/${namespace}` : "";
  return `/apis/${kind.group}/${kind.version}${ns}/${kind.plural}`;
}

/** Creates a {@linkcode Kube} over a loaded kubeconfig. */
export function createKube(kc: KubeConfig): Kube {
  const custom = kc.makeApiClient(CustomObjectsApi);
  const core = kc.makeApiClient(CoreV1Api);
  const objects = KubernetesObjectApi.makeApiClient(kc);
  const base = (kind: ResourceKind) => ({
    group: kind.group,
    version: kind.version,
    plural: kind.plural,
  });
  return {
    kc,
    async list<T>(kind: ResourceKind, namespace: string | undefined, labelSelector?: string) {
      const res = namespace
        ? await custom.listNamespacedCustomObject({ ...base(kind), namespace, labelSelector })
        : await custom.listClusterCustomObject({ ...base(kind), labelSelector });
      const list = res as { items?: T[]; metadata?: { resourceVersion?: string } };
      return { items: list.items ?? [], resourceVersion: list.metadata?.resourceVersion ?? "" };
    },
    async get<T>(kind: ResourceKind, namespace: string, name: string) {
      return await custom.getNamespacedCustomObject({ ...base(kind), namespace, name }) as T;
    },
    async mergePatch<T>(kind: ResourceKind, namespace: string, name: string, patch: unknown) {
      return await custom.patchNamespacedCustomObject(
        { ...base(kind), namespace, name, body: patch, fieldManager: FIELD_MANAGER },
        setHeaderOptions("Content-Type", PatchStrategy.MergePatch),
      ) as T;
    },
    async remove(kind: ResourceKind, namespace: string, name: string) {
      await custom.deleteNamespacedCustomObject({
        ...base(kind),
        namespace,
        name,
        propagationPolicy: "Background",
      });
    },
    async apply(obj: KubeObject, force = false) {
      return await objects.patch(
        obj as unknown as KubernetesObject,
        undefined,
        undefined,
        FIELD_MANAGER,
        force,
        PatchStrategy.ServerSideApply,
      ) as KubeObject;
    },
    async removeObject(obj: KubeObject) {
      try {
        await objects.delete(
          obj as unknown as KubernetesObject,
          undefined,
          undefined,
          undefined,
          undefined,
          "Background",
        );
        return true;
      } catch (err) {
        if ((err as { code?: number }).code === 404) return false;
        throw err;
      }
    },
    async getPod(namespace: string, name: string) {
      return await core.readNamespacedPod({ namespace, name });
    },
    async namespaces() {
      const list = await core.listNamespace();
      return list.items.map((n) => n.metadata?.name ?? "");
    },
    async events(namespace: string, name: string, uid?: string) {
      const fieldSelector = uid
        ? `involvedObject.name=${name},involvedObject.uid=${uid}`
        : `involvedObject.name=${name}`;
      const list = await core.listNamespacedEvent({ namespace, fieldSelector });
      return list.items as unknown as KubeObject[];
    },
    async watch<T>(
      path: string,
      query: Record<string, string>,
      onEvent: (ev: WatchEvent<T>) => void,
      onDone: (err: unknown) => void,
    ) {
      const ctl = await new Watch(kc).watch(
        path,
        query,
        (type: string, object: T) => onEvent({ type, object }),
        onDone,
      );
      return () => ctl.abort();
    },
  };
}
