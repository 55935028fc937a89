/** Host header allowlist against DNS rebinding (pure validator). */
import type { CheckResult } from "./origin.ts";

/** Default allowed hostnames: loopback names plus the pod IP when known. */
export function defaultAllowedHosts(podIp: string | undefined): string[] {
  const hosts = ["localhost", "127.0.0.1", "[::1]"];
  if (podIp) hosts.push(podIp.includes(":") ? `[${podIp}]` : podIp);
  return hosts;
}

/** Returns the hostname part of a Host header (port removed, IPv6 brackets kept). */
export function hostnameOf(host: string): string {
  if (host.startsWith("[")) return host.slice(0, host.indexOf("]") + 1);
  const colon = host.lastIndexOf(":");
  return (colon === -1 ? host : host.slice(0, colon)).toLowerCase();
}

/** Allows a Host whose hostname is listed; `*` in the list allows any. */
export function checkHost(host: string | null, allowed: string[]): CheckResult {
  if (allowed.includes("*")) return { ok: true };
  if (host === null) {
    return { ok: false, status: 400, message: "Cannot accept request: no Host header" };
  }
  if (allowed.includes(hostnameOf(host))) return { ok: true };
  return { ok: false, status: 403, message: `Cannot accept Host "${host}": not allowed` };
}
