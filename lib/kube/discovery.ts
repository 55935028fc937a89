/** Resolves `apiVersion` + `kind` to its REST resource through discovery (cached per client). */

import type { KubeClient } from "./client.ts";
import { apiVersionPath } from "./path.ts";

/** Where a kind lives: its plural and whether it is namespaced. */
export interface ResourceInfo {
  plural: string;
  namespaced: boolean;
}

interface ApiResourceList {
  resources: { name: string; kind: string; namespaced: boolean }[];
}

const cache = new WeakMap<KubeClient, Map<string, Promise<ApiResourceList>>>();

/** The resource of `kind` in `apiVersion` (one discovery GET per group-version and client). */
export async function resolveResource(
  client: KubeClient,
  apiVersion: string,
  kind: string,
): Promise<ResourceInfo> {
  let lists = cache.get(client);
  if (!lists) cache.set(client, lists = new Map());
  const path = apiVersionPath(apiVersion);
  let list = lists.get(path);
  if (!list) {
    list = client.request<ApiResourceList>("GET", path);
    lists.set(path, list);
    list.catch(() => lists.delete(path));
  }
  const found = (await list).resources.find((r) => r.kind === kind && !r.name.includes("/"));
  if (!found) {
    throw new Error(
      `Cannot find kind "${kind}" in ${apiVersion}: the API server does not serve it (are the CRDs installed?)`,
    );
  }
  return { plural: found.name, namespaced: found.namespaced };
}

/** The path of an object of any kind (or of its collection when `name` is undefined). */
export function objectPath(
  apiVersion: string,
  res: ResourceInfo,
  namespace: string | undefined,
  name?: string,
): string {
  const ns = res.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  const one = name === undefined ? "" : `/${encodeURIComponent(name)}`;
  return `${apiVersionPath(apiVersion)}${ns}/${encodeURIComponent(res.plural)}${one}`;
}
