/**
 * Where a registry may send the operator for a token: the `realm` of a Bearer challenge must be
 * on the registry's own host or on an allowlist, so an image cannot point the operator at an
 * arbitrary URL (blind SSRF).
 *
 * @module
 */

/** Token hosts of registries whose tokens live elsewhere (ghcr.io and quay.io use their own). */
export const DEFAULT_AUTH_HOSTS = ["registry-1.docker.io=auth.docker.io"];

/** Registry host → the other hosts it may name as token realm. */
export type AuthHosts = ReadonlyMap<string, ReadonlySet<string>>;

const HUB_ALIASES = new Set(["docker.io", "index.docker.io"]);

function hostOf(hostPort: string): string {
  const host = new URL(`https://${hostPort}`).host;
  return HUB_ALIASES.has(host) ? "registry-1.docker.io" : host;
}

/** Parses `registry=authhost` entries (`--registry-auth-hosts`); throws a TypeError when bad. */
export function parseAuthHosts(entries: readonly string[]): AuthHosts {
  const out = new Map<string, Set<string>>();
  for (const entry of entries) {
    const [registry, auth, extra] = entry.split("=");
    if (!registry || !auth || extra !== undefined) {
      throw new TypeError(`Cannot use registry auth host "${entry}": expected registry=host`);
    }
    const key = hostOf(registry.trim());
    out.set(key, (out.get(key) ?? new Set()).add(hostOf(auth.trim())));
  }
  return out;
}

/**
 * Returns the realm URL when the registry may send the operator there, else throws: it must be
 * https (http only for a registry reached over http) on the registry's host or an allowed one.
 */
export function checkRealm(
  realm: string,
  registry: string,
  opts: { authHosts: AuthHosts; insecure: boolean },
): URL {
  let url: URL;
  try {
    url = new URL(realm);
  } catch {
    throw new Error(`token realm "${realm}" is not a URL`);
  }
  const wantScheme = opts.insecure ? ["https:", "http:"] : ["https:"];
  if (!wantScheme.includes(url.protocol)) {
    throw new Error(`token realm "${realm}" is not https`);
  }
  const own = hostOf(registry);
  if (url.host !== own && !opts.authHosts.get(own)?.has(url.host)) {
    throw new Error(
      `token realm "${realm}" is neither on registry "${own}" nor allowed by --registry-auth-hosts`,
    );
  }
  return url;
}
