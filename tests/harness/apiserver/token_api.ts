/**
 * The authentication endpoints: TokenRequest (`POST …/serviceaccounts/{name}/token`, what
 * `kubectl create token` and the kubelet call), TokenReview
 * (`POST /apis/authentication.k8s.io/v1/tokenreviews`, what a webhook-style server calls) and
 * SelfSubjectReview (`kubectl auth whoami`).
 *
 * @module
 */

import type { Api } from "./api.ts";
import type { Authenticator, UserInfo } from "./authn.ts";
import { rfc3339 } from "./objects.ts";
import { isObj, type Obj } from "./patch.ts";
import type { ResourceType } from "./resources.ts";
import type { ResourcePath } from "./routes.ts";
import { badRequest, conflict, invalid, invalidCause, methodNotAllowed } from "./status.ts";
import { API_AUDIENCE, type ClaimsInput, serviceAccountClaims } from "./tokens.ts";

const GROUP_VERSION = "authentication.k8s.io/v1";
const TOKEN_REQUEST = {
  group: "authentication.k8s.io",
  plural: "tokenrequests",
  kind: "TokenRequest",
};
/** Default lifetime of a requested token (kube-apiserver's). */
export const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

/** What the endpoints need. */
export interface TokenApiDeps {
  api: Api;
  authn: Authenticator;
}

function metaOf(o: Obj): Obj {
  return (o.metadata ?? {}) as Obj;
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
}

function checkExpiration(name: string, seconds: number): void {
  const detail = seconds < MIN_EXPIRATION_SECONDS
    ? "may not specify a duration less than 10 minutes"
    : seconds > MAX_EXPIRATION_SECONDS
    ? "may not specify a duration larger than 2^32 seconds"
    : undefined;
  if (detail) {
    throw invalid(TOKEN_REQUEST, name, [invalidCause("spec.expirationSeconds", seconds, detail)]);
  }
}

function find(api: Api, plural: string, ns: string, name: string): Obj {
  const rt = api.registry.find("", "v1", plural)!;
  return api.get(rt, ns, name);
}

/** Resolves `spec.boundObjectRef` to the claims' `bound` (404/409/400 like kube-apiserver). */
function boundObject(
  api: Api,
  ns: string,
  saName: string,
  ref: unknown,
): ClaimsInput["bound"] {
  if (!isObj(ref)) return undefined;
  const kind = ref.kind;
  if ((kind !== "Pod" && kind !== "Secret") || (ref.apiVersion ?? "v1") !== "v1") {
    throw badRequest(
      `cannot bind token for serviceaccount "${saName}" to ${String(ref.apiVersion)} ${
        String(kind)
      }`,
    );
  }
  const obj = find(api, kind === "Pod" ? "pods" : "secrets", ns, String(ref.name ?? ""));
  const uid = String(metaOf(obj).uid);
  if (ref.uid && ref.uid !== uid) {
    throw conflict(
      { group: "", plural: kind === "Pod" ? "pods" : "secrets", kind },
      String(ref.name),
      `the UID in the bound object reference (${ref.uid}) does not match the UID in record. The object might have been deleted and then recreated`,
    );
  }
  const spec = (obj.spec ?? {}) as Obj;
  if (kind === "Pod" && (spec.serviceAccountName ?? "default") !== saName) {
    throw badRequest(
      `cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`,
    );
  }
  const node = kind === "Pod" && typeof spec.nodeName === "string"
    ? nodeRef(api, spec.nodeName)
    : undefined;
  return { kind, ref: { name: String(ref.name), uid }, node };
}

function nodeRef(api: Api, name: string): { name: string; uid: string } | undefined {
  const node = api.store.get("/nodes", undefined, name);
  return node ? { name, uid: String(metaOf(node).uid) } : undefined;
}

/** Answers a TokenRequest for ServiceAccount `ns/name` with a signed token (the 201 body). */
export async function createTokenRequest(
  deps: TokenApiDeps,
  ns: string,
  name: string,
  body: unknown,
): Promise<Obj> {
  const req = isObj(body) ? body : {};
  const spec = isObj(req.spec) ? req.spec : {};
  const sa = find(deps.api, "serviceaccounts", ns, name);
  const expirationSeconds = spec.expirationSeconds === undefined || spec.expirationSeconds === null
    ? DEFAULT_EXPIRATION_SECONDS
    : Number(spec.expirationSeconds);
  checkExpiration(name, expirationSeconds);
  const given = strings(spec.audiences);
  const audiences = given.length ? given : [API_AUDIENCE];
  const now = deps.api.now();
  const claims = serviceAccountClaims({
    namespace: ns,
    serviceAccount: { name, uid: String(metaOf(sa).uid) },
    audiences,
    expirationSeconds,
    now,
    bound: boundObject(deps.api, ns, name, spec.boundObjectRef),
  });
  return {
    kind: "TokenRequest",
    apiVersion: GROUP_VERSION,
    metadata: { name, namespace: ns, creationTimestamp: rfc3339(now) },
    spec: {
      audiences,
      expirationSeconds,
      boundObjectRef: isObj(spec.boundObjectRef) ? spec.boundObjectRef : null,
    },
    status: {
      token: await deps.authn.signer.sign(claims),
      expirationTimestamp: rfc3339(new Date(claims.exp * 1000)),
    },
  };
}

/** Answers a TokenReview: who `spec.token` is, for `spec.audiences` (the 201 body). */
export async function createTokenReview(deps: TokenApiDeps, body: unknown): Promise<Obj> {
  const req = isObj(body) ? body : {};
  const spec = isObj(req.spec) ? req.spec : {};
  const token = typeof spec.token === "string" ? spec.token : "";
  if (!token) throw badRequest("token is required for TokenReview in authentication");
  const wanted = strings(spec.audiences);
  const r = await deps.authn.authenticateToken(token, wanted.length ? wanted : [API_AUDIENCE]);
  const status: Obj = "user" in r
    ? { authenticated: true, user: r.user, audiences: r.audiences }
    : { user: {}, error: r.error };
  return {
    kind: "TokenReview",
    apiVersion: GROUP_VERSION,
    metadata: { creationTimestamp: null },
    spec: { token, ...(wanted.length ? { audiences: wanted } : {}) },
    status,
  };
}

/** Answers a SelfSubjectReview: the caller's own user (`kubectl auth whoami`). */
export function createSelfSubjectReview(user: UserInfo): Obj {
  return {
    kind: "SelfSubjectReview",
    apiVersion: GROUP_VERSION,
    metadata: { creationTimestamp: null },
    status: { userInfo: user },
  };
}

type Endpoint = "tokenrequest" | "tokenreviews" | "selfsubjectreviews";

function endpointOf(rt: ResourceType, p: ResourcePath): Endpoint | undefined {
  if (rt.crd) return undefined;
  if (rt.group === "" && rt.plural === "serviceaccounts" && p.subresource === "token") {
    return "tokenrequest";
  }
  if (rt.group !== "authentication.k8s.io") return undefined;
  return rt.plural === "tokenreviews" || rt.plural === "selfsubjectreviews" ? rt.plural : undefined;
}

/**
 * The handler of an authentication endpoint for this request, if it is one: a POST of
 * `serviceaccounts/{name}/token`, `tokenreviews` or `selfsubjectreviews`. The caller reads
 * the body.
 */
export function tokenEndpoint(
  deps: TokenApiDeps,
  req: Request,
  rt: ResourceType,
  p: ResourcePath,
): ((body: unknown) => Promise<Obj>) | undefined {
  const which = endpointOf(rt, p);
  if (!which) return undefined;
  const named = which === "tokenrequest";
  if (req.method !== "POST" || (named ? !p.name : p.name || p.subresource)) {
    throw methodNotAllowed();
  }
  if (which === "tokenreviews") return (body) => createTokenReview(deps, body);
  if (which === "selfsubjectreviews") {
    return async () => createSelfSubjectReview((await deps.authn.authenticate(req))!);
  }
  return (body) => createTokenRequest(deps, p.namespace!, p.name!, body);
}
