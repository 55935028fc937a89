/** Origin allowlist check against browser cross-site requests (pure validator). */

/** Result of a security check. */
export type CheckResult = { ok: true } | { ok: false; status: number; message: string };

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]"]);

/** Allows no Origin (non-browser), a listed Origin (`*` allows all), or by default loopback ones. */
export function checkOrigin(origin: string | null, allowed: string[] | null): CheckResult {
  if (origin === null) return { ok: true };
  if (allowed !== null) {
    if (allowed.includes("*") || allowed.includes(origin)) return { ok: true };
  } else {
    try {
      if (LOCAL_HOSTS.has(new URL(origin).hostname)) return { ok: true };
    } catch { /* not a URL: rejected below */ }
  }
  return { ok: false, status: 403, message: `Cannot accept Origin "${origin}": not allowed` };
}
