/**
 * Authorization server metadata discovery (RFC 8414 §3, OpenID Connect Discovery 1.0 §4) for
 * an issuer taken from the operator's configuration: the well-known URLs in the order the MCP
 * authorization spec (2025-11-25) gives, bounded in time and size, no redirects followed.
 *
 * @module
 */

import { checkFetchableUrl } from "./config.ts";

/** What the verifier needs from an issuer's metadata. */
export interface IssuerMetadata {
  issuer: string;
  jwksUri: string;
}

/** Options of {@linkcode discoverIssuer}. */
export interface DiscoveryOptions {
  /** Timeout of each request in milliseconds (default 5000). */
  timeoutMs?: number;
  /** Largest accepted document in bytes (default 256 KiB). */
  maxBytes?: number;
}

/**
 * The metadata URLs to try for `issuer`, in order: OAuth path insertion, OpenID path insertion,
 * OpenID path appending (the last two are one URL when the issuer has no path).
 */
export function discoveryUrls(issuer: string): string[] {
  const url = new URL(issuer);
  const path = url.pathname.replace(/\/+$/, "");
  const urls = [
    `${url.origin}/.well-known/oauth-authorization-server${path}`,
    `${url.origin}/.well-known/openid-configuration${path}`,
    `${url.origin}${path}/.well-known/openid-configuration`,
  ];
  return [...new Set(urls)];
}

async function readBounded(res: Response, maxBytes: number): Promise<string> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = res.body!.getReader();
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.length;
    if (size > maxBytes) {
      await reader.cancel();
      throw new RangeError(`document larger than ${maxBytes} bytes`);
    }
    chunks.push(r.value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) all.set(c, (at += c.length) - c.length);
  return new TextDecoder().decode(all);
}

/** Checks a fetched metadata document against the issuer it was fetched for (RFC 8414 §3.3). */
export function checkIssuerMetadata(issuer: string, doc: unknown): IssuerMetadata {
  const d = (doc ?? {}) as Record<string, unknown>;
  if (d.issuer !== issuer) {
    throw new TypeError(`Cannot use metadata of issuer "${issuer}": it names issuer "${d.issuer}"`);
  }
  if (typeof d.jwks_uri !== "string") {
    throw new TypeError(`Cannot use metadata of issuer "${issuer}": no jwks_uri`);
  }
  const err = checkFetchableUrl(d.jwks_uri, "jwks_uri");
  if (err) throw new TypeError(err);
  return { issuer, jwksUri: d.jwks_uri };
}

/** Fetches and checks the metadata of `issuer`; throws when no well-known URL answers it. */
export async function discoverIssuer(
  issuer: string,
  opts: DiscoveryOptions = {},
): Promise<IssuerMetadata> {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const maxBytes = opts.maxBytes ?? 256 * 1024;
  const failures: string[] = [];
  for (const url of discoveryUrls(issuer)) {
    try {
      const res = await fetch(url, {
        headers: { accept: "application/json" },
        redirect: "manual",
        signal: AbortSignal.timeout(timeoutMs),
      });
      if (res.status !== 200) {
        await res.body?.cancel();
        failures.push(`${url}: HTTP ${res.status}`);
        continue;
      }
      return checkIssuerMetadata(issuer, JSON.parse(await readBounded(res, maxBytes)));
    } catch (err) {
      failures.push(`${url}: ${(err as Error).message}`);
    }
  }
  throw new Error(`Cannot discover issuer "${issuer}": ${failures.join("; ")}`);
}
