/** Bearer token check (pure validator, constant-time comparison). */
import type { CheckResult } from "./origin.ts";

const encoder = new TextEncoder();

/** Compares two strings in time independent of where they differ. */
export function safeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a), y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}

/** Requires `Authorization: Bearer <token>` when a token is configured. */
export function checkBearer(header: string | null, token: string | null): CheckResult {
  if (token === null) return { ok: true };
  const m = /^Bearer\s+(.+)$/i.exec(header ?? "");
  if (m && safeEqual(m[1].trim(), token)) return { ok: true };
  return {
    ok: false,
    status: 401,
    message: "Cannot accept request: missing or wrong bearer token",
  };
}
