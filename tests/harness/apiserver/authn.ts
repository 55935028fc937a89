/**
 * Authentication: who a request's bearer token is. Static tokens (the admin's, the
 * kubelet's, test users from `issueUserToken`) and ServiceAccount JWTs signed by the
 * harness, checked on every request against the ServiceAccount (and the pod or Secret a
 * token is bound to) still existing with the uid in the token.
 *
 * @module
 */

import type { Obj } from "./patch.ts";
import {
  API_AUDIENCE,
  checkClaims,
  type ServiceAccountClaims,
  type TokenSigner,
} from "./tokens.ts";

/** An authenticated user, as Kubernetes' `user.Info` and TokenReview's `status.user`. */
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/** A user with a fixed bearer token (persisted in identity.json). */
export interface StaticUser {
  token: string;
  username: string;
  groups: string[];
}

/** The group every authenticated user is in. */
export const AUTHENTICATED = "system:authenticated";

/** Reads a stored object (undefined when absent). */
export type ObjectLookup = (
  plural: "serviceaccounts" | "pods" | "secrets",
  namespace: string,
  name: string,
) => Obj | undefined;

/** What the authenticator needs. */
export interface AuthenticatorDeps {
  signer: TokenSigner;
  /** The admin (system:masters). */
  admin: StaticUser;
  /** The other static users; {@linkcode Authenticator.staticUser} adds to this array. */
  users: StaticUser[];
  lookup: ObjectLookup;
  now: () => Date;
}

/** The outcome of authenticating one token: the user and the audiences it is good for. */
export type TokenResult = { user: UserInfo; audiences: string[] } | { error: string };

/** The groups of a static user: the given ones plus `system:authenticated`, once. */
export function withAuthenticated(groups: string[]): string[] {
  return groups.includes(AUTHENTICATED) ? [...groups] : [...groups, AUTHENTICATED];
}

/** The bearer token of an `Authorization` header, if any. */
export function bearerToken(header: string | null): string | undefined {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? "");
  return m?.[1];
}

function uidOf(o: Obj): string {
  return String((o.metadata as Obj).uid ?? "");
}

function goneAt(o: Obj, now: Date): boolean {
  const ts = (o.metadata as Obj).deletionTimestamp;
  return typeof ts === "string" && Date.parse(ts) < now.getTime();
}

/** Why a bound object in a token no longer holds, or undefined when it does. */
function boundProblem(
  kind: "pod" | "secret",
  obj: Obj | undefined,
  ref: { name: string; uid: string },
  ns: string,
  now: Date,
): string | undefined {
  const plural = `${kind}s`;
  if (!obj) return `${plural} "${ref.name}" not found`;
  if (goneAt(obj, now)) return `${kind} ${ns}/${ref.name} has been deleted`;
  if (uidOf(obj) !== ref.uid) {
    return `${kind} UID (${uidOf(obj)}) does not match claim (${ref.uid})`;
  }
  return undefined;
}

/** The user of valid ServiceAccount claims, or why the objects named in them no longer hold. */
export function serviceAccountUser(
  claims: ServiceAccountClaims,
  lookup: ObjectLookup,
  now: Date,
): { user: UserInfo } | { error: string } {
  const k = claims["kubernetes.io"];
  const ns = k.namespace;
  const sa = lookup("serviceaccounts", ns, k.serviceaccount.name);
  if (!sa) return { error: `serviceaccounts "${k.serviceaccount.name}" not found` };
  if (goneAt(sa, now)) {
    return { error: `service account ${ns}/${k.serviceaccount.name} has been deleted` };
  }
  if (uidOf(sa) !== k.serviceaccount.uid) {
    return {
      error: `service account UID (${uidOf(sa)}) does not match claim (${k.serviceaccount.uid})`,
    };
  }
  const extra: Record<string, string[]> = {
    "authentication.kubernetes.io/credential-id": [`JTI=${claims.jti}`],
  };
  if (k.pod) {
    const problem = boundProblem("pod", lookup("pods", ns, k.pod.name), k.pod, ns, now);
    if (problem) return { error: problem };
    extra["authentication.kubernetes.io/pod-name"] = [k.pod.name];
    extra["authentication.kubernetes.io/pod-uid"] = [k.pod.uid];
  }
  if (k.node) {
    extra["authentication.kubernetes.io/node-name"] = [k.node.name];
    extra["authentication.kubernetes.io/node-uid"] = [k.node.uid];
  }
  if (k.secret) {
    const problem = boundProblem("secret", lookup("secrets", ns, k.secret.name), k.secret, ns, now);
    if (problem) return { error: problem };
  }
  return {
    user: {
      username: claims.sub,
      uid: k.serviceaccount.uid,
      groups: ["system:serviceaccounts", `system:serviceaccounts:${ns}`, AUTHENTICATED],
      extra,
    },
  };
}

/** Turns bearer tokens into users. */
export class Authenticator {
  #deps: AuthenticatorDeps;
  #seen = new WeakMap<Request, Promise<UserInfo | undefined>>();

  constructor(deps: AuthenticatorDeps) {
    this.#deps = deps;
  }

  /** The signer of ServiceAccount tokens. */
  get signer(): TokenSigner {
    return this.#deps.signer;
  }

  /** The user of a request's bearer token (remembered per Request); undefined means 401. */
  authenticate(req: Request): Promise<UserInfo | undefined> {
    let user = this.#seen.get(req);
    if (!user) {
      user = this.#authenticate(req);
      this.#seen.set(req, user);
    }
    return user;
  }

  async #authenticate(req: Request): Promise<UserInfo | undefined> {
    const token = bearerToken(req.headers.get("authorization"));
    if (!token) return undefined;
    const r = await this.authenticateToken(token);
    return "user" in r ? r.user : undefined;
  }

  /**
   * Authenticates `token` for `audiences` (default: the API server's). Static tokens are
   * good for any audience; ServiceAccount tokens for those in their `aud`.
   */
  async authenticateToken(
    token: string,
    audiences: string[] = [API_AUDIENCE],
  ): Promise<TokenResult> {
    const fixed = [this.#deps.admin, ...this.#deps.users].find((u) => u.token === token);
    if (fixed) return { user: { username: fixed.username, groups: [...fixed.groups] }, audiences };
    const raw = await this.#deps.signer.verify(token);
    if (!raw) return { error: "invalid bearer token" };
    const now = this.#deps.now();
    const checked = checkClaims(raw, { now, audiences });
    if (!checked.ok) return { error: `invalid bearer token, ${checked.error}` };
    const r = serviceAccountUser(checked.claims, this.#deps.lookup, now);
    if ("error" in r) return { error: `invalid bearer token, ${r.error}` };
    return { user: r.user, audiences: checked.audiences };
  }

  /** The static user named `username` with `groups`, created with a new random token if absent. */
  staticUser(username: string, groups: string[]): { user: StaticUser; created: boolean } {
    const want = withAuthenticated(groups);
    const same = (u: StaticUser) =>
      u.username === username && u.groups.length === want.length &&
      u.groups.every((g, i) => g === want[i]);
    const found = this.#deps.users.find(same);
    if (found) return { user: found, created: false };
    const user = { token: randomToken(), username, groups: want };
    this.#deps.users.push(user);
    return { user, created: true };
  }
}

/** 24 random bytes as hex: an opaque static bearer token. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}
