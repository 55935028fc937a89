/**
 * Authorization attributes of a request, as the real API server's RequestInfo derives them
 * (verb from the method, group, resource, subresource, namespace, name, or a non-resource
 * path), and the 403 `Status` worded like k8s.io/apiserver's responsewriters.
 *
 * @module
 */

import { queryBool } from "./query_bool.ts";
import { parseFieldSelector } from "./selectors.ts";
import { ApiError, type StatusDetails } from "./status.ts";

import type { UserInfo } from "./authn.ts";
export type { UserInfo };

/** What a request asks to do, as authorizer.Attributes. */
export interface Attributes {
  verb: string;
  /** True for `/api/…` and `/apis/…` resource requests; false for non-resource paths. */
  resourceRequest: boolean;
  /** The URL path (what non-resource rules match). */
  path: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
}

/** The outcome of an authorization check. */
export interface Decision {
  allowed: boolean;
  /** Set when an authorizer explicitly denied (RBAC never does). */
  denied?: boolean;
  reason: string;
}

const METHOD_VERBS: Record<string, string> = {
  POST: "create",
  GET: "get",
  HEAD: "get",
  PUT: "update",
  PATCH: "patch",
  DELETE: "delete",
};
const SPECIAL_VERBS = new Set(["proxy", "watch"]);
const NAMESPACE_SUBRESOURCES = new Set(["status", "finalize"]);

/**
 * Whether the `watch` query parameter asks for a watch, as Go's query-parameter decoding of
 * a bool reads it: absent → false, "0" or "false" (any case) → false, anything else → true.
 */
export function isWatchParam(q: URLSearchParams): boolean {
  return queryBool(q, "watch");
}

/** Whether a name may be a path segment (what RequestInfo accepts from a field selector). */
function isPathSegmentName(name: string): boolean {
  return name !== "" && name !== "." && name !== ".." && !/[/%]/.test(name);
}

/** The `metadata.name` a field selector pins exactly, if any. */
function selectedName(fieldSelector: string | null): string | undefined {
  if (!fieldSelector) return undefined;
  try {
    const reqs = parseFieldSelector(fieldSelector).filter((r) => r.key === "metadata.name");
    const r = reqs.length === 1 ? reqs[0] : undefined;
    return r && r.op === "=" && isPathSegmentName(r.values[0]) ? r.values[0] : undefined;
  } catch {
    return undefined;
  }
}

function nonResource(method: string, path: string): Attributes {
  return {
    verb: method.toLowerCase(),
    resourceRequest: false,
    path,
    apiGroup: "",
    apiVersion: "",
    namespace: "",
    resource: "",
    subresource: "",
    name: "",
  };
}

function unescapeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The attributes of an HTTP request, following RequestInfoFactory.NewRequestInfo. */
export function requestAttributes(method: string, url: URL): Attributes {
  const path = url.pathname;
  let parts = path.split("/").filter((p) => p !== "").map(unescapeSegment);
  const base = nonResource(method, path);
  if (parts.length < 3 || (parts[0] !== "api" && parts[0] !== "apis")) return base;
  const grouped = parts[0] === "apis";
  if (grouped && parts.length < 4) return base;
  const a: Attributes = { ...base, resourceRequest: true };
  parts = parts.slice(1);
  if (grouped) [a.apiGroup, parts] = [parts[0], parts.slice(1)];
  [a.apiVersion, parts] = [parts[0], parts.slice(1)];
  let viaPath = false;
  if (SPECIAL_VERBS.has(parts[0]) && parts.length >= 2) {
    [a.verb, parts, viaPath] = [parts[0], parts.slice(1), true];
  } else a.verb = METHOD_VERBS[method.toUpperCase()] ?? "";
  if (parts[0] === "namespaces" && parts.length > 1) {
    a.namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2])) parts = parts.slice(2);
  }
  a.resource = parts[0] ?? "";
  a.name = parts[1] ?? "";
  if (parts.length >= 3 && !(viaPath && a.verb === "proxy")) a.subresource = parts[2];
  if (a.name === "" && a.verb === "get") {
    a.verb = isWatchParam(url.searchParams) ? "watch" : "list";
    a.name = selectedName(url.searchParams.get("fieldSelector")) ?? "";
  }
  if (a.name === "" && a.verb === "delete") a.verb = "deletecollection";
  return a;
}

const CONNECT = new Set(["exec", "attach", "portforward"]);

/**
 * The extra checks of a request: a WebSocket `get` of pods/exec, attach or portforward also
 * needs `create` (the API server's AuthorizePodWebsocketUpgradeCreatePermission).
 */
export function compoundChecks(a: Attributes): Attributes[] {
  const connect = a.resourceRequest && a.apiGroup === "" && a.resource === "pods" &&
    CONNECT.has(a.subresource) && a.verb === "get";
  return connect ? [{ ...a, verb: "create" }] : [];
}

function forbiddenMessage(user: UserInfo, a: Attributes): string {
  const who = JSON.stringify(user.username);
  if (!a.resourceRequest) return `User ${who} cannot ${a.verb} path ${JSON.stringify(a.path)}`;
  const res = JSON.stringify(a.subresource ? `${a.resource}/${a.subresource}` : a.resource);
  const head = `User ${who} cannot ${a.verb} resource ${res} in API group ${
    JSON.stringify(a.apiGroup)
  }`;
  return a.namespace
    ? `${head} in the namespace ${JSON.stringify(a.namespace)}`
    : `${head} at the cluster scope`;
}

/** The 403 Forbidden the API server answers for a denied request (reason appended if any). */
export function forbidden(user: UserInfo, a: Attributes, reason = ""): ApiError {
  const msg = forbiddenMessage(user, a).replaceAll("&", "&amp;").replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
  const err = reason ? `${msg}: ${reason}` : msg;
  const resource = a.resourceRequest ? a.resource : "";
  const qualified = a.apiGroup && resource ? `${resource}.${a.apiGroup}` : resource;
  const message = qualified === ""
    ? `forbidden: ${err}`
    : a.name
    ? `${qualified} ${JSON.stringify(a.name)} is forbidden: ${err}`
    : `${qualified} is forbidden: ${err}`;
  const details: StatusDetails = {};
  if (a.name) details.name = a.name;
  if (a.apiGroup) details.group = a.apiGroup;
  if (resource) details.kind = resource;
  return new ApiError(403, "Forbidden", message, details);
}
