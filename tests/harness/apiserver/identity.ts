/**
 * What a restarted API server keeps so clients go on working: the CA and serving
 * certificate, the bearer token and the port (saved in `dataDir/identity.json`).
 *
 * @module
 */

import { generateTls, type TlsMaterial } from "./tls.ts";

/** The server's identity as clients see it. */
export interface Identity {
  token: string;
  tls?: TlsMaterial;
  port?: number;
}

function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Loads the identity saved in `dataDir`, or makes a new one (TLS unless `http`). */
export async function loadIdentity(dataDir: string | undefined, http: boolean): Promise<Identity> {
  if (dataDir) {
    try {
      const saved = JSON.parse(await Deno.readTextFile(`${dataDir}/identity.json`)) as Identity;
      if (http === (saved.tls === undefined)) return saved;
    } catch {
      // No saved identity yet (or an unreadable one): make a new one.
    }
  }
  return { token: randomToken(), tls: http ? undefined : await generateTls() };
}

/** Saves the identity in `dataDir` (no-op without one). */
export async function saveIdentity(dataDir: string | undefined, id: Identity): Promise<void> {
  if (!dataDir) return;
  await Deno.writeTextFile(`${dataDir}/identity.json`, JSON.stringify(id), { mode: 0o600 });
}

/** Starts `serve` on `port`, falling back to an ephemeral port when it is taken. */
export function serveOnPreferredPort<T>(port: number | undefined, serve: (port: number) => T): T {
  if (!port) return serve(0);
  try {
    return serve(port);
  } catch (e) {
    if (e instanceof Deno.errors.AddrInUse) return serve(0);
    throw e;
  }
}
