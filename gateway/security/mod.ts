/** Security checks as one adapter turning validator results into HTTP responses. */
import { checkHost } from "./host.ts";
import { checkOrigin, type CheckResult } from "./origin.ts";
import { checkBearer } from "./token.ts";

/** The settings the security adapter checks against. */
export interface SecurityOptions {
  allowedOrigins: string[] | null;
  allowedHosts: string[];
  token: string | null;
}

/** Runs Host, Origin and token checks; returns a ready error response or null when allowed. */
export function guard(req: Request, opts: SecurityOptions): Response | null {
  let c: CheckResult = checkHost(req.headers.get("host"), opts.allowedHosts);
  if (c.ok) c = checkOrigin(req.headers.get("origin"), opts.allowedOrigins);
  if (c.ok) c = checkBearer(req.headers.get("authorization"), opts.token);
  if (!c.ok) {
    const headers: Record<string, string> = { "content-type": "application/json" };
    if (c.status === 401) headers["www-authenticate"] = 'Bearer realm="nmcp-gateway"';
    const body = { jsonrpc: "2.0", id: null, error: { code: -32000, message: c.message } };
    return new Response(JSON.stringify(body), { status: c.status, headers });
  }
  return null;
}

export { checkHost, defaultAllowedHosts, hostnameOf } from "./host.ts";
export { checkOrigin } from "./origin.ts";
export type { CheckResult } from "./origin.ts";
export { checkBearer, safeEqual } from "./token.ts";
