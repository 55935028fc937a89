/**
 * RBAC's escalation prevention, as the API server's RBAC storage does it: writing a Role or
 * ClusterRole needs every permission in it (or `escalate`), a binding needs the permissions
 * of the role it grants (or `bind` on that role); system:masters may do both.
 *
 * @module
 */

import { type Attributes, type UserInfo } from "./authz.ts";
import { isObj, type Obj } from "./patch.ts";
import {
  authorize,
  MASTERS,
  type PolicyRule,
  RBAC_GROUP,
  type RbacObjects,
  rulesFor,
} from "./rbac_rules.ts";
import type { ResourceType } from "./resources.ts";
import { ApiError } from "./status.ts";

const has = (list: string[] | undefined, v: string) => (list ?? []).includes(v);
const hasAll = (list: string[] | undefined, vs: string[] | undefined) =>
  (vs ?? []).every((v) => has(list, v));

/** Splits rules into one rule per verb, group, resource and name (or verb and URL). */
export function atomicRules(rules: PolicyRule[]): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const r of rules) {
    for (const verb of r.verbs) {
      for (const u of r.nonResourceURLs ?? []) out.push({ verbs: [verb], nonResourceURLs: [u] });
      for (const g of r.apiGroups ?? []) {
        for (const res of r.resources ?? []) {
          const base = { verbs: [verb], apiGroups: [g], resources: [res] };
          const names = r.resourceNames ?? [];
          if (names.length === 0) out.push(base);
          for (const n of names) out.push({ ...base, resourceNames: [n] });
        }
      }
    }
  }
  return out;
}

function resourcesCovered(owner: string[] | undefined, wanted: string[] | undefined): boolean {
  if (has(owner, "*") || hasAll(owner, wanted)) return true;
  return (wanted ?? []).every((p) => {
    if (has(owner, p)) return true;
    const slash = p.indexOf("/");
    return slash >= 0 && has(owner, `*/${p.slice(slash + 1)}`);
  });
}

function urlsCovered(owner: string[] | undefined, wanted: string[] | undefined): boolean {
  return (wanted ?? []).every((u) =>
    (owner ?? []).some((o) =>
      o === "*" || o === u || (o.endsWith("*") && u.startsWith(o.replace(/\*+$/, "")))
    )
  );
}

/** Whether one owned rule covers one requested rule (RBAC's ruleCovers). */
export function ruleCovers(owner: PolicyRule, sub: PolicyRule): boolean {
  const names = (sub.resourceNames ?? []).length === 0
    ? (owner.resourceNames ?? []).length === 0
    : (owner.resourceNames ?? []).length === 0 || hasAll(owner.resourceNames, sub.resourceNames);
  return (has(owner.verbs, "*") || hasAll(owner.verbs, sub.verbs)) &&
    (has(owner.apiGroups, "*") || hasAll(owner.apiGroups, sub.apiGroups)) &&
    resourcesCovered(owner.resources, sub.resources) &&
    urlsCovered(owner.nonResourceURLs, sub.nonResourceURLs) && names;
}

/** The atomic requested rules no owned rule covers. */
export function missingRules(owner: PolicyRule[], requested: PolicyRule[]): PolicyRule[] {
  return atomicRules(requested).filter((sub) => !owner.some((o) => ruleCovers(o, sub)));
}

const q = (list: string[]) => `[${list.map((s) => JSON.stringify(s)).join(" ")}]`;

/** A rule as rbacv1helpers.CompactString writes it. */
export function compactString(r: PolicyRule): string {
  const parts: string[] = [];
  if (r.apiGroups?.length) parts.push(`APIGroups:${q(r.apiGroups)}`);
  if (r.resources?.length) parts.push(`Resources:${q(r.resources)}`);
  if (r.nonResourceURLs?.length) parts.push(`NonResourceURLs:${q(r.nonResourceURLs)}`);
  if (r.resourceNames?.length) parts.push(`ResourceNames:${q(r.resourceNames)}`);
  if (r.verbs.length) parts.push(`Verbs:${q(r.verbs)}`);
  return `{${parts.join(", ")}}`;
}

/** Merges atomic rules that differ only in their verb. */
function compact(rules: PolicyRule[]): PolicyRule[] {
  const byKey = new Map<string, PolicyRule>();
  for (const r of rules) {
    const k = JSON.stringify([r.apiGroups, r.resources, r.resourceNames, r.nonResourceURLs]);
    const prev = byKey.get(k);
    if (prev) prev.verbs = [...prev.verbs, ...r.verbs];
    else byKey.set(k, { ...r, verbs: [...r.verbs] });
  }
  return [...byKey.values()];
}

function forbiddenRbac(rt: ResourceType, name: string, detail: string): ApiError {
  return new ApiError(
    403,
    "Forbidden",
    `${rt.plural}.${RBAC_GROUP} "${name}" is forbidden: ${detail}`,
    {
      name,
      group: RBAC_GROUP,
      kind: rt.plural,
    },
  );
}

function confirmNoEscalation(
  src: RbacObjects,
  user: UserInfo,
  ns: string,
  rules: PolicyRule[],
): string | undefined {
  const held = rulesFor(src, user, ns);
  const missing = missingRules(held.rules, rules);
  if (missing.length === 0) return undefined;
  const lines = [...new Set(compact(missing).map(compactString))].sort();
  let msg = `user ${JSON.stringify(user.username)} (groups=${
    q(user.groups)
  }) is attempting to grant RBAC permissions not currently held:\n${lines.join("\n")}`;
  if (held.errors.length) msg += `; resolution errors: [${held.errors.join(" ")}]`;
  return msg;
}

function allowedVerb(
  src: RbacObjects,
  user: UserInfo,
  verb: string,
  resource: string,
  ns: string,
  name: string,
): boolean {
  const a: Attributes = {
    verb,
    resourceRequest: true,
    path: "",
    apiGroup: RBAC_GROUP,
    apiVersion: "v1",
    namespace: ns,
    resource,
    subresource: "",
    name,
  };
  return authorize(src, user, a).allowed;
}

const FULL_AUTHORITY: PolicyRule[] = [
  { verbs: ["*"], apiGroups: ["*"], resources: ["*"] },
  { verbs: ["*"], nonResourceURLs: ["*"] },
];

/**
 * Throws the API server's 403 when `user` may not write this RBAC object (`requestName` is
 * the name in the request path, "" for a create, as the `escalate` check sees it).
 */
export function checkRbacWrite(
  src: RbacObjects,
  user: UserInfo,
  rt: ResourceType,
  ns: string | undefined,
  obj: Obj,
  requestName = "",
): void {
  if (!isRbacKind(rt) || user.groups.includes(MASTERS)) return;
  const name = String((isObj(obj.metadata) ? obj.metadata.name : undefined) ?? "");
  const scope = ns ?? "";
  if (rt.kind === "Role" || rt.kind === "ClusterRole") {
    if (allowedVerb(src, user, "escalate", rt.plural, scope, requestName)) return;
    const why = confirmNoEscalation(src, user, scope, (obj.rules as PolicyRule[]) ?? []);
    if (why) throw forbiddenRbac(rt, name, why);
    if (rt.kind === "ClusterRole" && obj.aggregationRule) {
      if (confirmNoEscalation(src, user, scope, FULL_AUTHORITY)) {
        throw forbiddenRbac(
          rt,
          name,
          "must have cluster-admin privileges to use the aggregationRule",
        );
      }
    }
    return;
  }
  const ref = (isObj(obj.roleRef) ? obj.roleRef : {}) as { kind?: string; name?: string };
  const refPlural = ref.kind === "Role" ? "roles" : "clusterroles";
  if (allowedVerb(src, user, "bind", refPlural, scope, String(ref.name ?? ""))) return;
  const role = ref.kind === "Role"
    ? src.role(scope, String(ref.name))
    : ref.kind === "ClusterRole"
    ? src.clusterRole(String(ref.name))
    : undefined;
  if (!role) {
    throw forbiddenRbac(
      rt,
      name,
      `${refPlural.slice(0, -1)}.${RBAC_GROUP} "${ref.name}" not found`,
    );
  }
  const why = confirmNoEscalation(src, user, scope, (role.rules as PolicyRule[]) ?? []);
  if (why) throw forbiddenRbac(rt, name, why);
}

/** Whether a type is one of the RBAC kinds whose writes are checked for escalation. */
export function isRbacKind(rt: ResourceType): boolean {
  return !rt.crd && rt.group === RBAC_GROUP;
}
