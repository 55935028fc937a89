/**
 * The per-server gateway token: HMAC-SHA256 of the server's uid under the operator's key. The
 * reconciler writes it into a Secret owned by the MCPServer (mounted into the gateway as
 * `--token-file`); the router derives the same value, so no operator replica ever needs to
 * read a Secret of a server's namespace.
 *
 * @module
 */

import { encodeBase64Url } from "../../lib/base64.ts";

const encoder = new TextEncoder();

/** Imports raw key bytes (at least 32) as an HMAC-SHA256 signing key. */
export async function importTokenKey(raw: Uint8Array): Promise<CryptoKey> {
  if (raw.length < 32) {
    throw new RangeError(`Cannot use gateway token key: ${raw.length} bytes, need at least 32`);
  }
  return await crypto.subtle.importKey(
    "raw",
    raw as Uint8Array<ArrayBuffer>,
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
}

/** The gateway token of the server with `uid` (43 base64url characters). */
export async function deriveServerToken(key: CryptoKey, uid: string): Promise<string> {
  const mac = new Uint8Array(
    await crypto.subtle.sign("HMAC", key, encoder.encode(`nmcp/v1/${uid}`)),
  );
  return encodeBase64Url(mac);
}
