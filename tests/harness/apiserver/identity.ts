/**
 * What a restarted API server keeps so clients go on working: the CA and serving
 * certificate, the admin's bearer token, the other static users, the ServiceAccount token
 * signing key and the port (saved in `dataDir/identity.json`).
 *
 * @module
 */

import {
  AUTHENTICATED,
  Authenticator,
  type ObjectLookup,
  randomToken,
  type StaticUser,
} from "./authn.ts";
import { generateTls, type TlsMaterial } from "./tls.ts";
import { TokenSigner } from "./tokens.ts";

/** The server's identity as clients see it. */
export interface Identity {
  /** The admin's (kubernetes-admin, system:masters) bearer token. */
  token: string;
  tls?: TlsMaterial;
  port?: number;
  /** The ES256 private key signing ServiceAccount tokens (made on first start). */
  signingKey?: JsonWebKey;
  /** Static users besides the admin (the kubelet, test users). */
  users?: StaticUser[];
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

/** The admin's user name and groups. */
export const ADMIN = { username: "kubernetes-admin", groups: ["system:masters", AUTHENTICATED] };

/**
 * The authenticator of an identity: its signing key (made and stored in `id` when missing),
 * the admin, and `id.users` (the same array, so users added later are saved with `id`).
 */
export async function authenticatorOf(
  id: Identity,
  lookup: ObjectLookup,
  now: () => Date,
): Promise<Authenticator> {
  const signer = await TokenSigner.load(id.signingKey);
  id.signingKey = signer.jwk;
  id.users ??= [];
  const admin = { token: id.token, ...ADMIN };
  return new Authenticator({ signer, admin, users: id.users, lookup, now });
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
