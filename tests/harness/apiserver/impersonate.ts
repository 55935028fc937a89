/**
 * User impersonation (`Impersonate-User`, `-Group`, `-Uid`, `-Extra-*`), as the API server's
 * impersonation filter: each requested identity part needs the `impersonate` verb.
 *
 * @module
 */

import { type Attributes, forbidden, type UserInfo } from "./authz.ts";
import { authorize, type RbacObjects, serviceAccountUsername } from "./rbac_rules.ts";
import { badRequest } from "./status.ts";

/** One thing a request asks to act as, with the attributes its `impersonate` check uses. */
export interface ImpersonationRequest {
  kind: "User" | "ServiceAccount" | "Group" | "UserExtra" | "UID";
  name: string;
  namespace?: string;
  /** The extra key (UserExtra only). */
  key?: string;
}

const SA_PREFIX = "system:serviceaccount:";
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const EXTRA_PREFIX = "impersonate-extra-";

/** Splits `system:serviceaccount:<ns>:<name>` (undefined when not a valid SA username). */
export function splitServiceAccountUsername(
  username: string,
): { namespace: string; name: string } | undefined {
  if (!username.startsWith(SA_PREFIX)) return undefined;
  const parts = username.slice(SA_PREFIX.length).split(":");
  if (parts.length !== 2) return undefined;
  const [namespace, name] = parts;
  const ok = namespace.length <= 63 && DNS_LABEL.test(namespace) && name.length <= 253 &&
    DNS_SUBDOMAIN.test(name);
  return ok ? { namespace, name } : undefined;
}

/** The values of a repeatable header (Fetch joins repeats with ", "). */
function values(h: Headers, name: string): string[] {
  const v = h.get(name);
  return v === null ? [] : v.split(/,\s*/).filter((x) => x !== "");
}

function unescapeKey(k: string): string {
  try {
    return decodeURIComponent(k);
  } catch {
    return k;
  }
}

/** Go's `%v` of an ObjectReference, for the 400 message. */
function describe(r: ImpersonationRequest): string {
  const apiVersion = r.kind === "UserExtra" || r.kind === "UID" ? "authentication.k8s.io/v1" : "";
  return `{${[r.kind, r.namespace ?? "", r.name, "", apiVersion, "", r.key ?? ""].join(" ")}}`;
}

/** Parses the impersonation headers (400 when groups, extra or uid come without a user). */
export function impersonationRequests(h: Headers): ImpersonationRequest[] {
  const out: ImpersonationRequest[] = [];
  const user = h.get("impersonate-user") ?? "";
  if (user) {
    const sa = splitServiceAccountUsername(user);
    out.push(sa ? { kind: "ServiceAccount", ...sa } : { kind: "User", name: user });
  }
  for (const g of values(h, "impersonate-group")) out.push({ kind: "Group", name: g });
  for (const [header] of h) {
    if (!header.startsWith(EXTRA_PREFIX)) continue;
    const key = unescapeKey(header.slice(EXTRA_PREFIX.length).toLowerCase());
    for (const v of values(h, header)) out.push({ kind: "UserExtra", name: v, key });
  }
  const uid = h.get("impersonate-uid") ?? "";
  if (uid) out.push({ kind: "UID", name: uid });
  if (out.length && !user) {
    throw badRequest(`requested [${out.map(describe).join(" ")}] without impersonating a user`);
  }
  return out;
}

const RESOURCES: Record<ImpersonationRequest["kind"], [group: string, resource: string]> = {
  User: ["", "users"],
  ServiceAccount: ["", "serviceaccounts"],
  Group: ["", "groups"],
  UserExtra: ["authentication.k8s.io", "userextras"],
  UID: ["authentication.k8s.io", "uids"],
};

/** The attributes of the `impersonate` check of one request. */
export function impersonationAttributes(r: ImpersonationRequest): Attributes {
  const [apiGroup, resource] = RESOURCES[r.kind];
  return {
    verb: "impersonate",
    resourceRequest: true,
    path: "",
    apiGroup,
    apiVersion: "v1",
    namespace: r.namespace ?? "",
    resource,
    subresource: r.key ?? "",
    name: r.name,
  };
}

/** The identity the requests build (groups get system:authenticated as upstream does). */
export function impersonatedUser(reqs: ImpersonationRequest[], groupsGiven: boolean): UserInfo {
  const user: UserInfo = { username: "", groups: [] };
  const extra: Record<string, string[]> = {};
  for (const r of reqs) {
    if (r.kind === "User") user.username = r.name;
    if (r.kind === "ServiceAccount") {
      user.username = serviceAccountUsername(r.namespace!, r.name);
      if (!groupsGiven) {
        user.groups.push("system:serviceaccounts", `system:serviceaccounts:${r.namespace}`);
      }
    }
    if (r.kind === "Group") user.groups.push(r.name);
    if (r.kind === "UserExtra") (extra[r.key!] ??= []).push(r.name);
    if (r.kind === "UID") user.uid = r.name;
  }
  if (Object.keys(extra).length) user.extra = extra;
  const anonymous = user.username === "system:anonymous";
  const marker = anonymous ? ["system:unauthenticated"] : [
    "system:authenticated",
    "system:unauthenticated",
  ];
  if (!user.groups.some((g) => marker.includes(g))) {
    user.groups.push(anonymous ? "system:unauthenticated" : "system:authenticated");
  }
  return user;
}

/**
 * The user a request acts as: the requester, or whom its impersonation headers name once the
 * requester may `impersonate` each part (403 Forbidden at the first it may not).
 */
export function impersonate(src: RbacObjects, requester: UserInfo, h: Headers): UserInfo {
  const reqs = impersonationRequests(h);
  if (reqs.length === 0) return requester;
  for (const r of reqs) {
    const a = impersonationAttributes(r);
    const d = authorize(src, requester, a);
    if (!d.allowed) throw forbidden(requester, a, d.reason);
  }
  return impersonatedUser(reqs, h.has("impersonate-group"));
}
