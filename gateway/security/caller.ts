/**
 * Who a request comes from, decided from the configured token, the peer address and the
 * router's caller header (pure). The pod's own loopback is exempt from the token: only
 * `kubectl port-forward` (which dials localhost inside the pod) and the pod itself reach it.
 */
import { type Caller, decodeCaller } from "../../lib/caller.ts";
import { checkBearer } from "./token.ts";

/** The caller of a loopback request without the token (port-forward, the pod itself). */
export const LOCAL_CALLER: Caller = Object.freeze({
  username: "system:nmcp:local",
  groups: [],
  source: "local",
}) as Caller;

/** The caller of a request with the token but no (well-formed) caller header. */
export const TOKEN_CALLER: Caller = Object.freeze({
  username: "system:nmcp:token",
  groups: [],
  source: "local",
}) as Caller;

/** The caller of every request when no token is configured (nothing can be verified). */
export const ANONYMOUS_CALLER: Caller = Object.freeze({
  username: "system:anonymous",
  groups: ["system:unauthenticated"],
  source: "local",
}) as Caller;

/** What {@linkcode authenticate} decides from. */
export interface AuthInput {
  /** The configured token; null when none is required. */
  token: string | null;
  authorization: string | null;
  /** The `x-nmcp-caller` header, trusted only next to the valid token. */
  callerHeader: string | null;
  /** Whether the peer is the pod's own loopback and loopback is exempt from the token. */
  loopbackExempt: boolean;
}

/** The caller of an admitted request, or why it was refused (401). */
export type AuthResult =
  | { ok: true; caller: Caller; verified: boolean }
  | { ok: false; message: string };

const ANONYMOUS: AuthResult = { ok: true, caller: ANONYMOUS_CALLER, verified: false };
const LOCAL: AuthResult = { ok: true, caller: LOCAL_CALLER, verified: false };
const TOKEN_ONLY: AuthResult = { ok: true, caller: TOKEN_CALLER, verified: false };

/** Admits a request and names its caller (`verified`: the caller header was trusted). */
export function authenticate(input: AuthInput): AuthResult {
  if (input.token === null) return ANONYMOUS;
  const bearer = checkBearer(input.authorization, input.token);
  if (bearer.ok) {
    const caller = decodeCaller(input.callerHeader);
    return caller ? { ok: true, caller, verified: true } : TOKEN_ONLY;
  }
  if (input.loopbackExempt) return LOCAL;
  return { ok: false, message: bearer.message };
}

const LOOPBACK = new Set(["127.0.0.1", "::1", "::ffff:127.0.0.1", "::ffff:7f00:1"]);

/** Whether a peer address is the host's own loopback (127.0.0.1, ::1, v4-mapped 127.0.0.1). */
export function isLoopbackPeer(hostname: string | undefined): boolean {
  if (hostname === undefined) return false;
  const h = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  return LOOPBACK.has(h.toLowerCase());
}
