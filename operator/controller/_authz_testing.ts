/** Test helper: which RBAC attributes a REST call needs, and whether rules allow them. */

import type { PolicyRule } from "../../lib/install/rbac.ts";

/** The RBAC attributes of one request. */
export interface RequestAttributes {
  verb: string;
  apiGroup: string;
  resource: string;
  name?: string;
}

/** The attributes of `METHOD path` (`watch` when the query asks for one), as the API server derives them. */
export function attributesOf(
  method: string,
  path: string,
  query: Record<string, unknown> = {},
): RequestAttributes {
  const parts = path.split("?")[0].split("/").filter(Boolean);
  const [apiGroup, rest] = parts[0] === "api" ? ["", parts.slice(2)] : [parts[1], parts.slice(3)];
  const scoped = rest[0] === "namespaces" && rest.length > 2 ? rest.slice(2) : rest;
  const [plural, name, sub] = scoped;
  const resource = sub ? `${plural}/${sub}` : plural;
  const verbs: Record<string, string> = {
    POST: "create",
    PUT: "update",
    PATCH: "patch",
    DELETE: "delete",
  };
  const verb = method === "GET"
    ? (query.watch ? "watch" : name ? "get" : "list")
    : verbs[method] ?? method.toLowerCase();
  return { verb, apiGroup, resource, name };
}

/** Whether one of the rules allows the request (resourceNames respected). */
export function rulesAllow(rules: PolicyRule[], a: RequestAttributes): boolean {
  return rules.some((r) =>
    r.apiGroups.includes(a.apiGroup) && r.resources.includes(a.resource) &&
    r.verbs.includes(a.verb) && (!r.resourceNames || (!!a.name && r.resourceNames.includes(a.name)))
  );
}
