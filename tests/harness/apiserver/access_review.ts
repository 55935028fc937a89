/**
 * The authorization.k8s.io review kinds: SubjectAccessReview, LocalSubjectAccessReview,
 * SelfSubjectAccessReview and SelfSubjectRulesReview, answered from the RBAC objects.
 *
 * @module
 */

import type { Attributes, UserInfo } from "./authz.ts";
import { isObj, type Obj } from "./patch.ts";
import {
  aggregateErrors,
  authorize,
  type PolicyRule,
  type RbacObjects,
  rulesFor,
} from "./rbac_rules.ts";
import type { ResourceType } from "./resources.ts";
import { badRequest, invalid, invalidCause, type StatusCause } from "./status.ts";

/** The API group of the review kinds. */
export const AUTHORIZATION_GROUP = "authorization.k8s.io";

/** Whether a type is one of the review kinds (create-only, never stored). */
export function isReviewType(rt: ResourceType): boolean {
  return !rt.crd && rt.group === AUTHORIZATION_GROUP;
}

const str = (v: unknown) => typeof v === "string" ? v : "";

/** The attributes a review spec asks about. */
export function specAttributes(spec: Obj): Attributes {
  if (isObj(spec.resourceAttributes)) {
    const r = spec.resourceAttributes;
    return {
      verb: str(r.verb),
      resourceRequest: true,
      path: "",
      apiGroup: str(r.group),
      apiVersion: str(r.version),
      namespace: str(r.namespace),
      resource: str(r.resource),
      subresource: str(r.subresource),
      name: str(r.name),
    };
  }
  const n = isObj(spec.nonResourceAttributes) ? spec.nonResourceAttributes : {};
  const blank = { apiGroup: "", apiVersion: "", namespace: "", resource: "", subresource: "" };
  return { verb: str(n.verb), resourceRequest: false, path: str(n.path), ...blank, name: "" };
}

function validate(rt: ResourceType, spec: Obj): void {
  const causes: StatusCause[] = [];
  const res = isObj(spec.resourceAttributes), non = isObj(spec.nonResourceAttributes);
  if (res && non) {
    causes.push(invalidCause(
      "spec.nonResourceAttributes",
      spec.nonResourceAttributes,
      "cannot be specified in combination with resourceAttributes",
    ));
  }
  if (!res && !non) {
    causes.push(invalidCause(
      "spec.resourceAttributes",
      null,
      "exactly one of nonResourceAttributes or resourceAttributes must be specified",
    ));
  }
  const subject = rt.kind === "SubjectAccessReview" || rt.kind === "LocalSubjectAccessReview";
  const groups = Array.isArray(spec.groups) ? spec.groups : [];
  if (subject && !str(spec.user) && groups.length === 0) {
    causes.push(invalidCause("spec.user", "", "at least one of user or group must be specified"));
  }
  if (causes.length) throw invalid(rt, "", causes);
}

function subjectOf(spec: Obj): UserInfo {
  const user: UserInfo = {
    username: str(spec.user),
    groups: Array.isArray(spec.groups) ? spec.groups.map(String) : [],
  };
  if (str(spec.uid)) user.uid = str(spec.uid);
  if (isObj(spec.extra)) user.extra = spec.extra as Record<string, string[]>;
  return user;
}

function accessStatus(src: RbacObjects, user: UserInfo, spec: Obj): Obj {
  const d = authorize(src, user, specAttributes(spec));
  const status: Obj = { allowed: d.allowed };
  if (d.denied) status.denied = true;
  if (d.reason) status.reason = d.reason;
  return status;
}

/** The status of a SelfSubjectRulesReview: the user's rules in a namespace. */
export function rulesStatus(src: RbacObjects, user: UserInfo, namespace: string): Obj {
  const { rules, errors } = rulesFor(src, user, namespace);
  const resourceRules = rules.filter((r) => (r.resources ?? []).length).map((r: PolicyRule) => {
    const out: Obj = { verbs: r.verbs, apiGroups: r.apiGroups ?? [], resources: r.resources };
    if ((r.resourceNames ?? []).length) out.resourceNames = r.resourceNames;
    return out;
  });
  const nonResourceRules = rules.filter((r) => (r.nonResourceURLs ?? []).length)
    .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
  const status: Obj = { resourceRules, nonResourceRules, incomplete: errors.length > 0 };
  if (errors.length) status.evaluationError = aggregateErrors(errors);
  return status;
}

/**
 * Answers a review POSTed by `user` (`ns` is the path's namespace for the local kind): the
 * object with its `status` (400/422 for a malformed one, like the API server).
 */
export function answerReview(
  src: RbacObjects,
  user: UserInfo,
  rt: ResourceType,
  ns: string | undefined,
  body: unknown,
): Obj {
  if (!isObj(body)) throw badRequest("the body of the request must be a JSON object");
  const spec = isObj(body.spec) ? structuredClone(body.spec) : {};
  const metadata = { ...(isObj(body.metadata) ? body.metadata : {}), creationTimestamp: null };
  const out: Obj = { kind: rt.kind, apiVersion: `${AUTHORIZATION_GROUP}/v1`, metadata, spec };
  if (rt.kind === "SelfSubjectRulesReview") {
    out.status = rulesStatus(src, user, str(spec.namespace));
    return out;
  }
  validate(rt, spec);
  if (rt.kind === "LocalSubjectAccessReview") {
    const attrs = isObj(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
    if (!attrs || (attrs.namespace && attrs.namespace !== ns)) {
      throw badRequest(`spec.resourceAttributes.namespace must match namespace: ${ns}`);
    }
    attrs.namespace = ns;
  }
  const subject = rt.kind === "SelfSubjectAccessReview" ? user : subjectOf(spec);
  out.status = accessStatus(src, subject, spec);
  return out;
}
