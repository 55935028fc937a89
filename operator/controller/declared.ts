/**
 * The declared side of reconciling: a server's `mcp-<name>-declared` ConfigMap (rendered by the
 * pure renderDeclared) and the status of every MCPTool, MCPPrompt and MCPResource of a
 * namespace. Both write only what differs.
 *
 * @module
 */

import { CONDITIONS, type MCPServer, type MCPServerStatus } from "../../lib/api/mod.ts";
import {
  isNotFound,
  type KubeClient,
  type KubeObj,
  resourcePath,
  type ResourceRef,
  RESOURCES,
} from "../../lib/kube/mod.ts";
import { buildDeclaredConfigMap } from "../build/declared_config_map.ts";
import { DECLARED_KEY, declaredConfigMapName } from "../build/names.ts";
import { isDeclared } from "../build/pod.ts";
import type { ConfigMap } from "../build/types.ts";
import { renderDeclared } from "../declared/render.ts";
import {
  conflictCondition,
  declaredStatus,
  type DeclaredView,
  resourceServices,
  toolServices,
} from "../declared/status.ts";
import { setConditions } from "../reconcile/conditions.ts";
import { applyObject, patchStatus, statusPatch } from "./apply.ts";
import type { Cache } from "./cache.ts";

/** What the declared reconciles use. */
export interface DeclaredDeps {
  client: KubeClient;
  cache: Cache;
}

/**
 * Brings a server's declared ConfigMap to what its toolSelector selects (or deletes it when the
 * server has no toolSelector), and sets (or drops) the DeclaredConflict condition in `status`.
 */
export async function applyDeclared(
  d: DeclaredDeps,
  server: MCPServer,
  status: MCPServerStatus,
  now: string,
): Promise<void> {
  const ns = server.metadata.namespace!;
  const key = `${ns}/${declaredConfigMapName(server.metadata.name!)}`;
  const have = d.cache.configMaps.store.get(key);
  if (!isDeclared(server)) {
    status.conditions = status.conditions?.filter((c) => c.type !== CONDITIONS.declaredConflict);
    if (have) {
      const path = resourcePath(RESOURCES.configMaps, ns, have.metadata.name);
      await d.client.request("DELETE", path).catch((err) => {
        if (!isNotFound(err)) throw err;
      });
    }
    return;
  }
  const rendered = renderDeclared(server, d.cache.declaredIn(ns));
  const want = buildDeclaredConfigMap(server, rendered.file);
  const owned = have?.metadata.ownerReferences?.some((o) => o.uid === server.metadata.uid);
  if (!owned || have?.data?.[DECLARED_KEY] !== want.data?.[DECLARED_KEY]) {
    const applied = await applyObject<ConfigMap>(d.client, RESOURCES.configMaps, want);
    d.cache.configMaps.upsert(applied);
  }
  const cond = conflictCondition(rendered.conflicts);
  status.conditions = setConditions(status.conditions, [cond], now, server.metadata.generation);
}

async function writeStatuses<T extends KubeObj & { status?: object }>(
  d: DeclaredDeps,
  ref: ResourceRef,
  items: { obj: T; want: object }[],
  upsert: (o: T) => void,
): Promise<void> {
  for (const { obj, want } of items) {
    const patch = statusPatch(obj.status, want);
    if (!patch) continue;
    try {
      upsert(await patchStatus<T>(d.client, ref, obj, patch));
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
  }
}

/** Writes the status of every declared object of `namespace` that differs from its due one. */
export async function reconcileDeclared(
  d: DeclaredDeps,
  namespace: string,
  now: string,
): Promise<void> {
  const c = d.cache;
  const view: DeclaredView = {
    servers: c.declaringServersIn(namespace),
    serviceExists: (name) => c.allServices.store.has(`${namespace}/${name}`),
    now,
  };
  const { tools, prompts, resources } = c.declaredIn(namespace);
  const live = <T extends KubeObj>(list: T[]) => list.filter((o) => !o.metadata.deletionTimestamp);
  await writeStatuses(
    d,
    RESOURCES.tools,
    live(tools).map((obj) => ({ obj, want: declaredStatus(obj, toolServices(obj), view) })),
    (o) => c.tools.upsert(o),
  );
  await writeStatuses(
    d,
    RESOURCES.prompts,
    live(prompts).map((obj) => ({ obj, want: declaredStatus(obj, [], view) })),
    (o) => c.prompts.upsert(o),
  );
  await writeStatuses(
    d,
    RESOURCES.resources,
    live(resources).map((obj) => ({ obj, want: declaredStatus(obj, resourceServices(obj), view) })),
    (o) => c.resources.upsert(o),
  );
}
