/**
 * Who made a request, as the operator's router established it and hands it to a gateway
 * sidecar in one header. The gateway trusts the header only on a request that also carried
 * the server's own bearer token (so only the router can set it).
 *
 * @module
 */

import { decodeBase64Url, encodeBase64Url } from "./base64.ts";

/** The header that carries a {@linkcode Caller} from the router to a gateway. */
export const CALLER_HEADER = "x-nmcp-caller";

/** How a caller was authenticated. */
export type CallerSource = "kubernetes" | "oauth" | "local";

/** An authenticated caller: user name, uid and groups (from TokenReview or a JWT). */
export interface Caller {
  username: string;
  uid?: string;
  groups: string[];
  source: CallerSource;
}

function toBase64Url(text: string): string {
  return encodeBase64Url(new TextEncoder().encode(text));
}

function fromBase64Url(text: string): string {
  return new TextDecoder().decode(decodeBase64Url(text));
}

/** Encodes a caller as the value of {@linkcode CALLER_HEADER} (base64url JSON). */
export function encodeCaller(caller: Caller): string {
  const { username, uid, groups, source } = caller;
  return toBase64Url(JSON.stringify({ username, uid, groups, source }));
}

/** Decodes a {@linkcode CALLER_HEADER} value; undefined when it is not a well-formed caller. */
export function decodeCaller(value: string | null): Caller | undefined {
  if (!value || value.length > 16_384) return undefined;
  try {
    const v = JSON.parse(fromBase64Url(value)) as Record<string, unknown>;
    const sources: CallerSource[] = ["kubernetes", "oauth", "local"];
    if (typeof v.username !== "string") return undefined;
    if (!Array.isArray(v.groups) || !v.groups.every((g) => typeof g === "string")) {
      return undefined;
    }
    if (!sources.includes(v.source as CallerSource)) return undefined;
    if (v.uid !== undefined && typeof v.uid !== "string") return undefined;
    return {
      username: v.username,
      groups: v.groups as string[],
      source: v.source as CallerSource,
      ...(v.uid !== undefined ? { uid: v.uid as string } : {}),
    };
  } catch {
    return undefined;
  }
}
