/**
 * The RBAC authorizer as a pure function of (RBAC objects, user, attributes): rule matching,
 * binding subjects, role resolution and the reasons the real authorizer gives.
 *
 * @module
 */

import type { Attributes, Decision, UserInfo } from "./authz.ts";
import type { Obj } from "./patch.ts";
import { storageKey } from "./resources.ts";
import type { Store } from "./store.ts";

/** One rule of a Role or ClusterRole. */
export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** A binding subject. */
export interface Subject {
  kind: string;
  name: string;
  apiGroup?: string;
  namespace?: string;
}

/** Keeps the bindings an authorization needs (the store copies only those). */
export type BindingFilter = (binding: Readonly<Obj>) => boolean;

/** The RBAC objects an authorization reads. */
export interface RbacObjects {
  clusterRoleBindings(keep?: BindingFilter): readonly Readonly<Obj>[];
  roleBindings(namespace: string, keep?: BindingFilter): readonly Readonly<Obj>[];
  clusterRole(name: string): Readonly<Obj> | undefined;
  role(namespace: string, name: string): Readonly<Obj> | undefined;
}

/** The group whose members may do everything (the privileged-group authorizer). */
export const MASTERS = "system:masters";
/** The RBAC API group. */
export const RBAC_GROUP = "rbac.authorization.k8s.io";

const key = (plural: string) => storageKey({ group: RBAC_GROUP, plural });

const nameOf = (o: Readonly<Obj>) => (o.metadata as { name?: string }).name;

/** The RBAC objects of a store, read in place (never modified). */
export function storeRbac(store: Store): RbacObjects {
  return {
    clusterRoleBindings: (keep) => store.peek(key("clusterrolebindings"), undefined, keep),
    roleBindings: (ns, keep) => store.peek(key("rolebindings"), ns, keep),
    clusterRole: (name) => store.peek(key("clusterroles"), undefined, (o) => nameOf(o) === name)[0],
    role: (ns, name) => store.peek(key("roles"), ns, (o) => nameOf(o) === name)[0],
  };
}

/** RBAC objects from fixed lists (for tests and reviews of hypothetical state). */
export function staticRbac(objs: Obj[]): RbacObjects {
  const of = (kind: string) => objs.filter((o) => o.kind === kind);
  const meta = (o: Obj) => o.metadata as { name: string; namespace?: string };
  return {
    clusterRoleBindings: (keep = () => true) => of("ClusterRoleBinding").filter(keep),
    roleBindings: (ns, keep = () => true) =>
      of("RoleBinding").filter((o) => meta(o).namespace === ns && keep(o)),
    clusterRole: (name) => of("ClusterRole").find((o) => meta(o).name === name),
    role: (ns, name) => of("Role").find((o) => meta(o).namespace === ns && meta(o).name === name),
  };
}

const has = (list: string[] | undefined, v: string) => (list ?? []).includes(v);

function resourceMatches(rule: PolicyRule, combined: string, sub: string): boolean {
  return (rule.resources ?? []).some((r) =>
    r === "*" || r === combined ||
    (sub !== "" && r.length === sub.length + 2 && r.startsWith("*/") && r.endsWith(sub))
  );
}

function urlMatches(rule: PolicyRule, path: string): boolean {
  return (rule.nonResourceURLs ?? []).some((u) =>
    u === "*" || u === path || (u.endsWith("*") && path.startsWith(u.replace(/\*+$/, "")))
  );
}

/** Whether one rule allows the attributes (RBAC's RuleAllows). */
export function ruleAllows(a: Attributes, rule: PolicyRule): boolean {
  if (!has(rule.verbs, "*") && !has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) return urlMatches(rule, a.path);
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  return (has(rule.apiGroups, "*") || has(rule.apiGroups, a.apiGroup)) &&
    resourceMatches(rule, combined, a.subresource) &&
    ((rule.resourceNames ?? []).length === 0 || has(rule.resourceNames, a.name));
}

/** The username of a ServiceAccount. */
export function serviceAccountUsername(namespace: string, name: string): string {
  return `system:serviceaccount:${namespace}:${name}`;
}

function appliesTo(user: UserInfo, s: Subject, bindingNs: string): boolean {
  if (s.kind === "User") return user.username === s.name;
  if (s.kind === "Group") return user.groups.includes(s.name);
  if (s.kind !== "ServiceAccount") return false;
  const ns = s.namespace || bindingNs;
  return ns !== "" && user.username === serviceAccountUsername(ns, s.name);
}

function describeSubject(s: Subject, bindingNs: string): string {
  if (s.kind !== "ServiceAccount") return `${s.kind} ${JSON.stringify(s.name)}`;
  return `${s.kind} ${JSON.stringify(`${s.name}/${s.namespace || bindingNs}`)}`;
}

interface RoleRef {
  kind: string;
  name: string;
}

function roleRules(src: RbacObjects, ref: RoleRef, ns: string): PolicyRule[] | string {
  if (ref.kind === "Role") {
    const r = src.role(ns, ref.name);
    return r
      ? (r.rules as PolicyRule[] | undefined) ?? []
      : `role.${RBAC_GROUP} "${ref.name}" not found`;
  }
  if (ref.kind === "ClusterRole") {
    const r = src.clusterRole(ref.name);
    return r
      ? (r.rules as PolicyRule[] | undefined) ?? []
      : `clusterrole.${RBAC_GROUP} "${ref.name}" not found`;
  }
  return `unsupported role reference kind: ${JSON.stringify(ref.kind)}`;
}

/** Called per rule (with its source) or per resolution error; false stops the walk. */
export type RuleVisitor = (source: string, rule: PolicyRule | undefined, err?: string) => boolean;

function visitBindings(
  src: RbacObjects,
  user: UserInfo,
  bindings: readonly Readonly<Obj>[],
  ns: string,
  visit: RuleVisitor,
): boolean {
  for (const b of bindings) {
    const subjects = (b.subjects as Subject[] | undefined) ?? [];
    const s = subjects.find((x) => appliesTo(user, x, ns));
    if (!s) continue;
    const ref = (b.roleRef ?? {}) as RoleRef;
    const rules = roleRules(src, ref, ns);
    if (typeof rules === "string") {
      if (!visit("", undefined, rules)) return false;
      continue;
    }
    const name = String((b.metadata as Obj).name);
    const source = ns
      ? `RoleBinding ${JSON.stringify(`${name}/${ns}`)}`
      : `ClusterRoleBinding ${JSON.stringify(name)}`;
    const desc = `${source} of ${ref.kind} ${JSON.stringify(ref.name)} to ${
      describeSubject(s, ns)
    }`;
    for (const r of rules) if (!visit(desc, r)) return false;
  }
  return true;
}

/** Walks the rules that apply to a user in a namespace: cluster bindings, then the namespace's. */
export function visitRulesFor(
  src: RbacObjects,
  user: UserInfo,
  namespace: string,
  visit: RuleVisitor,
): void {
  const applies = (ns: string) => (b: Obj) =>
    ((b.subjects as Subject[] | undefined) ?? []).some((s) => appliesTo(user, s, ns));
  const cluster = src.clusterRoleBindings(applies(""));
  if (!visitBindings(src, user, cluster, "", visit)) return;
  if (!namespace) return;
  visitBindings(src, user, src.roleBindings(namespace, applies(namespace)), namespace, visit);
}

/** The rules a user holds in a namespace ("" = cluster-wide only), and resolution errors. */
export function rulesFor(
  src: RbacObjects,
  user: UserInfo,
  namespace: string,
): { rules: PolicyRule[]; errors: string[] } {
  const rules: PolicyRule[] = [], errors: string[] = [];
  visitRulesFor(src, user, namespace, (_s, r, err) => {
    if (r) rules.push(r);
    if (err) errors.push(err);
    return true;
  });
  return { rules, errors };
}

/** Joins errors as utilerrors.NewAggregate does (one alone, several in brackets). */
export function aggregateErrors(errors: string[]): string {
  return errors.length === 1 ? errors[0] : `[${errors.join(", ")}]`;
}

/** The RBAC authorizer: allowed with the granting binding as reason, or no opinion. */
export function rbacAuthorize(src: RbacObjects, user: UserInfo, a: Attributes): Decision {
  let reason = "";
  const errors: string[] = [];
  visitRulesFor(src, user, a.namespace, (source, rule, err) => {
    if (err) errors.push(err);
    if (rule && ruleAllows(a, rule)) {
      reason = `RBAC: allowed by ${source}`;
      return false;
    }
    return true;
  });
  if (reason) return { allowed: true, reason };
  return { allowed: false, reason: errors.length ? `RBAC: ${aggregateErrors(errors)}` : "" };
}

/** The cluster's authorizer chain: members of system:masters, then RBAC. */
export function authorize(src: RbacObjects, user: UserInfo, a: Attributes): Decision {
  if (user.groups.includes(MASTERS)) return { allowed: true, reason: "" };
  return rbacAuthorize(src, user, a);
}
