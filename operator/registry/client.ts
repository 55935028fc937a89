/**
 * Reads an image's Entrypoint and Cmd from its registry (OCI distribution API): manifest
 * (index → the platform's manifest) → config blob. Handles the Bearer token flow of Docker
 * Hub-style registries and Basic auth.
 */

import { type AuthHosts, checkRealm, DEFAULT_AUTH_HOSTS, parseAuthHosts } from "./realm.ts";
import type { ImageRef } from "./reference.ts";

/** Username/password for a registry. */
export interface Credentials {
  username: string;
  password: string;
}

/** What the image config says the process is. */
export interface ImageProcess {
  entrypoint: string[];
  cmd: string[];
  /** Digest of the config blob (immutable: the cache key). */
  configDigest: string;
}

/** Options of {@linkcode fetchImageProcess}. */
export interface RegistryOptions {
  credentials?: Credentials;
  /** Platform to pick from an index. Default linux/amd64. */
  platform?: { os: string; architecture: string };
  /** Use plain HTTP for this registry. Default: for localhost and 127.0.0.0/8. */
  insecure?: boolean;
  /** Hosts besides its own a registry may name as token realm. Default {@linkcode DEFAULT_AUTH_HOSTS}. */
  authHosts?: AuthHosts;
  /** Per-request timeout. Default 10 s. */
  timeoutMs?: number;
  fetch?: typeof fetch;
}

const MANIFEST_TYPES = [
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
  "application/vnd.oci.image.manifest.v1+json",
  "application/vnd.docker.distribution.manifest.v2+json",
].join(", ");

interface Manifest {
  mediaType?: string;
  manifests?: { digest: string; platform?: { os: string; architecture: string } }[];
  config?: { digest: string };
}

/** Parses a WWW-Authenticate header: scheme and its parameters. */
export function parseChallenge(header: string): { scheme: string; params: Record<string, string> } {
  const sp = header.indexOf(" ");
  const scheme = (sp < 0 ? header : header.slice(0, sp)).toLowerCase();
  const params: Record<string, string> = {};
  for (const m of header.slice(sp + 1).matchAll(/(\w+)="([^"]*)"/g)) params[m[1]] = m[2];
  return { scheme, params };
}

const DEFAULT_HOSTS = parseAuthHosts(DEFAULT_AUTH_HOSTS);

class Session {
  #auth?: string;
  constructor(readonly ref: ImageRef, readonly opts: RegistryOptions) {}

  get insecure(): boolean {
    return this.opts.insecure ?? /^(localhost|127\.\d+\.\d+\.\d+)(:\d+)?$/.test(this.ref.registry);
  }

  get base(): string {
    return `${this.insecure ? "http" : "https"}://${this.ref.registry}/v2/${this.ref.repository}`;
  }

  #basic(): string | undefined {
    const c = this.opts.credentials;
    return c ? `Basic ${btoa(`${c.username}:${c.password}`)}` : undefined;
  }

  async #token(challenge: string): Promise<string> {
    const { scheme, params } = parseChallenge(challenge);
    if (scheme === "basic") {
      const b = this.#basic();
      if (!b) throw new Error("registry wants credentials and no imagePullSecret has them");
      return b;
    }
    if (!params.realm) throw new Error(`unsupported registry challenge "${challenge}"`);
    const url = checkRealm(params.realm, this.ref.registry, {
      authHosts: this.opts.authHosts ?? DEFAULT_HOSTS,
      insecure: this.insecure,
    });
    if (params.service) url.searchParams.set("service", params.service);
    url.searchParams.set("scope", params.scope ?? `repository:${this.ref.repository}:pull`);
    const basic = this.#basic();
    // No redirects: they could lead anywhere the realm check did not look.
    const res = await this.#fetch(url.href, basic ? { authorization: basic } : {}, "error");
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`token endpoint answered ${res.status}`);
    }
    const body = await res.json() as { token?: string; access_token?: string };
    const token = body.token ?? body.access_token;
    if (!token) throw new Error("token endpoint returned no token");
    return `Bearer ${token}`;
  }

  #fetch(
    url: string,
    headers: Record<string, string>,
    redirect: RequestRedirect = "follow",
  ): Promise<Response> {
    const f = this.opts.fetch ?? fetch;
    const signal = AbortSignal.timeout(this.opts.timeoutMs ?? 10_000);
    return f(url, { headers, redirect, signal });
  }

  async get(path: string, accept: string): Promise<Response> {
    const url = `${this.base}${path}`;
    const headers = () => ({ accept, ...(this.#auth ? { authorization: this.#auth } : {}) });
    let res = await this.#fetch(url, headers());
    if (res.status === 401 && !this.#auth) {
      const challenge = res.headers.get("www-authenticate") ?? "";
      await res.body?.cancel();
      this.#auth = await this.#token(challenge);
      res = await this.#fetch(url, headers());
    }
    if (!res.ok) {
      await res.body?.cancel();
      throw new Error(`GET ${path} answered ${res.status}`);
    }
    return res;
  }
}

/** Fetches the Entrypoint/Cmd of an image from its registry. */
export async function fetchImageProcess(
  ref: ImageRef,
  opts: RegistryOptions = {},
): Promise<ImageProcess> {
  const s = new Session(ref, opts);
  const want = opts.platform ?? { os: "linux", architecture: "amd64" };
  let manifest = await (await s.get(`/manifests/${ref.reference}`, MANIFEST_TYPES))
    .json() as Manifest;
  if (manifest.manifests) {
    const pick = manifest.manifests.find((m) =>
      m.platform?.os === want.os && m.platform?.architecture === want.architecture
    );
    if (!pick) throw new Error(`no ${want.os}/${want.architecture} manifest in the index`);
    manifest = await (await s.get(`/manifests/${pick.digest}`, MANIFEST_TYPES)).json() as Manifest;
  }
  const digest = manifest.config?.digest;
  if (!digest) throw new Error("manifest has no config");
  const config = await (await s.get(`/blobs/${digest}`, "*/*")).json() as {
    config?: { Entrypoint?: string[] | null; Cmd?: string[] | null };
  };
  return {
    entrypoint: config.config?.Entrypoint ?? [],
    cmd: config.config?.Cmd ?? [],
    configDigest: digest,
  };
}
