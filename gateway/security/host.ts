/** Host header allowlist against DNS rebinding (pure validator). */
import type { CheckResult } from "./origin.ts";

/** Default allowed hostnames: loopback names plus the pod IP when known. */
export function defaultAllowedHosts(podIp: string | undefined): string[] {
  const hosts = ["localhost", "127.0.0.1", "[::1]"];
  if (podIp) hosts.push(podIp.includes(":") ? `[${podIp}]` : podIp);
  return hosts;
}

/** `[IPv6 or IPvFuture]` or a reg-name / IPv4 (RFC 3986 §3.2.2), then an optional `:port`. */
const HOST = /^(\[[0-9a-z:._~!$&'()*+,;=-]+\]|[0-9a-z._~!$&'()*+,;=%-]*)(?::[0-9]*)?$/i;

/** The hostname of a Host header (port removed, IPv6 brackets kept, lowercased); null if malformed. */
export function hostnameOf(host: string): string | null {
  const m = HOST.exec(host);
  return m && m[1] !== "" ? m[1].toLowerCase() : null;
}

/** Allows a Host whose hostname is listed; `*` in the list allows any. */
export function checkHost(host: string | null, allowed: string[]): CheckResult {
  if (allowed.includes("*")) return { ok: true };
  if (host === null) {
    return { ok: false, status: 400, message: "Cannot accept request: no Host header" };
  }
  const name = hostnameOf(host);
  if (name === null) {
    return { ok: false, status: 400, message: `Cannot accept Host "${host}": malformed` };
  }
  if (allowed.includes(name)) return { ok: true };
  return { ok: false, status: 403, message: `Cannot accept Host "${host}": not allowed` };
}
