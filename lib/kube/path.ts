/** REST paths of Kubernetes resources, every segment percent-encoded. */

/** Identifies a resource collection. */
export interface ResourceRef {
  /** API group; "" or undefined for the core group (`/api/v1`). */
  group?: string;
  version: string;
  plural: string;
}

const enc = encodeURIComponent;

/** The group-version root: `/api/v1` or `/apis/<group>/<version>`. */
export function groupVersionPath(group: string | undefined, version: string): string {
  return group ? `/apis/${enc(group)}/${enc(version)}` : `/api/${enc(version)}`;
}

/** The group-version root of an `apiVersion` (`v1`, `nmcp.nwrx.io/v1`). */
export function apiVersionPath(apiVersion: string): string {
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? groupVersionPath(undefined, apiVersion)
    : groupVersionPath(apiVersion.slice(0, slash), apiVersion.slice(slash + 1));
}

/**
 * The path of a collection (`name` undefined), an object, or an object's subresource
 * (`namespace` undefined = cluster-wide or all namespaces).
 */
export function resourcePath(
  r: ResourceRef,
  namespace?: string,
  name?: string,
  sub?: string,
): string {
  let p = groupVersionPath(r.group, r.version);
  if (namespace) p += `/namespaces/${enc(namespace)}`;
  p += `/${enc(r.plural)}`;
  if (name !== undefined) p += `/${enc(name)}`;
  if (sub) p += `/${sub.split("/").map(enc).join("/")}`;
  return p;
}

/** Core and nmcp resources the operator and the plugin touch. */
export const RESOURCES = {
  pods: { version: "v1", plural: "pods" },
  services: { version: "v1", plural: "services" },
  secrets: { version: "v1", plural: "secrets" },
  configMaps: { version: "v1", plural: "configmaps" },
  events: { version: "v1", plural: "events" },
  namespaces: { version: "v1", plural: "namespaces" },
  leases: { group: "coordination.k8s.io", version: "v1", plural: "leases" },
  servers: { group: "nmcp.nwrx.io", version: "v1", plural: "mcpservers" },
  pools: { group: "nmcp.nwrx.io", version: "v1", plural: "mcppools" },
  tools: { group: "nmcp.nwrx.io", version: "v1", plural: "mcptools" },
  prompts: { group: "nmcp.nwrx.io", version: "v1", plural: "mcpprompts" },
  resources: { group: "nmcp.nwrx.io", version: "v1", plural: "mcpresources" },
} as const satisfies Record<string, ResourceRef>;

/** Query parameters: undefined and "" values are left out. */
export type Query = Record<string, string | number | boolean | undefined>;

/** `?a=1&b=2` for the set values of `q`, or "". */
export function queryString(q: Query | undefined): string {
  if (!q) return "";
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v !== undefined && v !== "") p.set(k, String(v));
  const s = p.toString();
  return s ? `?${s}` : "";
}
