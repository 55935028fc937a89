/** Security checks as adapters turning pure validator results into HTTP responses. */
import { checkHost } from "./host.ts";
import { checkOrigin, type CheckResult } from "./origin.ts";

/** The settings the security adapters check against. */
export interface SecurityOptions {
  allowedOrigins: string[] | null;
  allowedHosts: string[];
  /** The required bearer token; null when none is configured. */
  token: string | null;
  /** Whether peers on the pod's own loopback are admitted without the token. */
  loopbackExempt: boolean;
}

function refusal(status: number, message: string): Response {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (status === 401) headers["www-authenticate"] = 'Bearer realm="nmcp-gateway"';
  const body = { jsonrpc: "2.0", id: null, error: { code: -32000, message } };
  return new Response(JSON.stringify(body), { status, headers });
}

/** Runs the Host and Origin checks; returns a ready error response or null when allowed. */
export function guard(req: Request, opts: SecurityOptions): Response | null {
  let c: CheckResult = checkHost(req.headers.get("host"), opts.allowedHosts);
  if (c.ok) c = checkOrigin(req.headers.get("origin"), opts.allowedOrigins);
  return c.ok ? null : refusal(c.status, c.message);
}

/** The 401 answer (with `WWW-Authenticate`) for a request without the valid token. */
export function unauthorized(message: string): Response {
  return refusal(401, message);
}

export {
  ANONYMOUS_CALLER,
  authenticate,
  type AuthResult,
  isLoopbackPeer,
  LOCAL_CALLER,
  TOKEN_CALLER,
} from "./caller.ts";
export { checkHost, defaultAllowedHosts, hostnameOf } from "./host.ts";
export { checkOrigin } from "./origin.ts";
export type { CheckResult } from "./origin.ts";
export { checkBearer, safeEqual } from "./token.ts";
