/**
 * The authorization step of every request: impersonation, then the RBAC check of the
 * request's attributes (and the compound `create` check of pod connect upgrades).
 *
 * @module
 */

import { compoundChecks, forbidden, requestAttributes, type UserInfo } from "./authz.ts";
import { impersonate } from "./impersonate.ts";
import { authorize, type RbacObjects } from "./rbac_rules.ts";

/** Returns the user the request acts as, or throws 400 (bad impersonation) or 403. */
export function authorizeRequest(
  src: RbacObjects,
  req: Request,
  url: URL,
  requester: UserInfo,
): UserInfo {
  const user = impersonate(src, requester, req.headers);
  const attrs = requestAttributes(req.method, url);
  for (const a of [attrs, ...compoundChecks(attrs)]) {
    const d = authorize(src, user, a);
    if (!d.allowed) throw forbidden(user, a, d.reason);
  }
  return user;
}
