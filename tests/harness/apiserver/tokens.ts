/**
 * ServiceAccount tokens of the harness: ES256 JWTs (WebCrypto) with the claims a real
 * cluster puts in them, and the pure checks of those claims (time, audience, shape).
 *
 * @module
 */

/** The issuer and default audience of the harness's ServiceAccount tokens. */
export const API_AUDIENCE = "https://kubernetes.default.svc.cluster.local";

/** A reference to an object a token is bound to (or names). */
export interface ObjectRef {
  name: string;
  uid: string;
}

/** The claims of a ServiceAccount token, as kube-apiserver writes them. */
export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  "kubernetes.io": {
    namespace: string;
    serviceaccount: ObjectRef;
    pod?: ObjectRef;
    secret?: ObjectRef;
    node?: ObjectRef;
  };
}

/** Inputs of {@linkcode serviceAccountClaims}. */
export interface ClaimsInput {
  namespace: string;
  serviceAccount: ObjectRef;
  audiences: string[];
  expirationSeconds: number;
  now: Date;
  /** The pod or Secret the token is bound to. */
  bound?: { kind: "Pod" | "Secret"; ref: ObjectRef; node?: ObjectRef };
}

/** Builds the claims of a ServiceAccount token issued at `now` (pure but for the random jti). */
export function serviceAccountClaims(input: ClaimsInput): ServiceAccountClaims {
  const iat = Math.floor(input.now.getTime() / 1000);
  const k8s: ServiceAccountClaims["kubernetes.io"] = {
    namespace: input.namespace,
    serviceaccount: input.serviceAccount,
  };
  if (input.bound?.kind === "Pod") {
    k8s.pod = input.bound.ref;
    if (input.bound.node) k8s.node = input.bound.node;
  }
  if (input.bound?.kind === "Secret") k8s.secret = input.bound.ref;
  return {
    iss: API_AUDIENCE,
    sub: `system:serviceaccount:${input.namespace}:${input.serviceAccount.name}`,
    aud: input.audiences,
    exp: iat + input.expirationSeconds,
    iat,
    nbf: iat,
    jti: crypto.randomUUID(),
    "kubernetes.io": k8s,
  };
}

/** The outcome of {@linkcode checkClaims}: the claims, or why they are refused. */
export type ClaimsCheck =
  | { ok: true; claims: ServiceAccountClaims; audiences: string[] }
  | { ok: false; error: string };

function isRef(v: unknown): v is ObjectRef {
  const r = v as ObjectRef | undefined;
  return typeof r?.name === "string" && typeof r?.uid === "string";
}

function wellFormed(
  c: Record<string, unknown>,
): c is Record<string, unknown> & ServiceAccountClaims {
  const k = c["kubernetes.io"] as ServiceAccountClaims["kubernetes.io"] | undefined;
  return typeof c.sub === "string" && typeof c.exp === "number" && typeof c.nbf === "number" &&
    typeof k?.namespace === "string" && isRef(k.serviceaccount) &&
    (k.pod === undefined || isRef(k.pod)) && (k.secret === undefined || isRef(k.secret));
}

/**
 * Checks decoded, signature-verified claims against the clock and the audiences wanted
 * (`aud` must intersect them; the intersection is returned), as kube-apiserver does.
 */
export function checkClaims(
  raw: Record<string, unknown>,
  want: { now: Date; audiences: string[] },
): ClaimsCheck {
  if (raw.iss !== API_AUDIENCE || !wellFormed(raw)) {
    return { ok: false, error: "token is not a service account token of this cluster" };
  }
  const now = want.now.getTime() / 1000;
  if (raw.exp <= now) return { ok: false, error: "service account token has expired" };
  if (raw.nbf > now + 60) return { ok: false, error: "service account token is not valid yet" };
  const aud = typeof raw.aud === "string" ? [raw.aud] : Array.isArray(raw.aud) ? raw.aud : [];
  const audiences = want.audiences.filter((a) => aud.includes(a));
  if (audiences.length === 0) {
    return {
      ok: false,
      error: `token audiences ${JSON.stringify(aud)} is invalid for the target audiences ${
        JSON.stringify(want.audiences)
      }`,
    };
  }
  return { ok: true, claims: raw, audiences };
}

const enc = new TextEncoder();
const dec = new TextDecoder();

function b64url(bytes: Uint8Array): string {
  let s = "";
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromB64url(s: string): Uint8Array<ArrayBuffer> {
  const b = atob(s.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(b, (c) => c.charCodeAt(0));
}

const ALG = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGN = { name: "ECDSA", hash: "SHA-256" } as const;

/** How many verified tokens {@linkcode TokenSigner.verify} remembers (ECDSA costs ~1 ms). */
const VERIFIED_CACHE = 1024;

/** Signs and verifies the harness's JWTs with one ES256 key (persisted as a private JWK). */
export class TokenSigner {
  #verified = new Map<string, Record<string, unknown>>();

  private constructor(
    /** The private key as a JWK, for `identity.json`. */
    readonly jwk: JsonWebKey,
    /** The key id in every token's header (RFC 7638 thumbprint of the public key). */
    readonly kid: string,
    private readonly priv: CryptoKey,
    private readonly pub: CryptoKey,
  ) {}

  /** Imports a saved private JWK, or generates a new key without one. */
  static async load(saved?: JsonWebKey): Promise<TokenSigner> {
    let jwk = saved;
    if (!jwk) {
      const pair = await crypto.subtle.generateKey(ALG, true, ["sign", "verify"]);
      jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
    }
    const priv = await crypto.subtle.importKey("jwk", jwk, ALG, false, ["sign"]);
    const { crv, kty, x, y } = jwk;
    const pub = await crypto.subtle.importKey("jwk", { crv, kty, x, y }, ALG, false, ["verify"]);
    const thumb = JSON.stringify({ crv, kty, x, y });
    const kid = b64url(new Uint8Array(await crypto.subtle.digest("SHA-256", enc.encode(thumb))));
    return new TokenSigner(jwk, kid, priv, pub);
  }

  /** The public key as a JWK (for a JWKS document). */
  publicJwk(): JsonWebKey {
    const { crv, kty, x, y } = this.jwk;
    return { crv, kty, x, y, alg: "ES256", use: "sig", kid: this.kid } as JsonWebKey;
  }

  /** Signs `claims` as a compact JWS. */
  async sign(claims: object): Promise<string> {
    const header = { alg: "ES256", kid: this.kid };
    const input = `${b64url(enc.encode(JSON.stringify(header)))}.${
      b64url(enc.encode(JSON.stringify(claims)))
    }`;
    const sig = await crypto.subtle.sign(SIGN, this.priv, enc.encode(input));
    return `${input}.${b64url(new Uint8Array(sig))}`;
  }

  /**
   * The claims of a token this key signed; undefined for anything else (or tampered). Good
   * signatures are remembered (the claims still need {@linkcode checkClaims} every time).
   */
  async verify(token: string): Promise<Record<string, unknown> | undefined> {
    const known = this.#verified.get(token);
    if (known) return known;
    const claims = await this.#verify(token);
    if (!claims) return undefined;
    if (this.#verified.size >= VERIFIED_CACHE) {
      this.#verified.delete(this.#verified.keys().next().value!);
    }
    this.#verified.set(token, claims);
    return claims;
  }

  async #verify(token: string): Promise<Record<string, unknown> | undefined> {
    const parts = token.split(".");
    if (parts.length !== 3) return undefined;
    try {
      const header = JSON.parse(dec.decode(fromB64url(parts[0])));
      if (header.alg !== "ES256" || header.kid !== this.kid) return undefined;
      const ok = await crypto.subtle.verify(
        SIGN,
        this.pub,
        fromB64url(parts[2]),
        enc.encode(`${parts[0]}.${parts[1]}`),
      );
      if (!ok) return undefined;
      const claims = JSON.parse(dec.decode(fromB64url(parts[1])));
      return typeof claims === "object" && claims !== null ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}
