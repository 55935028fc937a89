/** Parses image references the way Docker does (default registry, library/ prefix, tag). */

/** A parsed image reference. */
export interface ImageRef {
  /** Registry host[:port] as used in URLs (Docker Hub → registry-1.docker.io). */
  registry: string;
  /** Repository path, e.g. `library/node`. */
  repository: string;
  /** Tag or digest to fetch. */
  reference: string;
}

const HUB = "registry-1.docker.io";
const HUB_NAMES = new Set(["docker.io", "index.docker.io", HUB]);

interface ImageParts {
  /** Lower-cased registry host; Docker Hub is `docker.io`. */
  registry: string;
  repository: string;
  tag?: string;
  digest?: string;
}

/** Splits `[registry/]repo[:tag][@digest]` with Docker's defaults (not validated). */
function splitImage(image: string): ImageParts {
  let rest = image.trim();
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasRegistry = slash >= 0 &&
    (/[.:]/.test(first) || first === "localhost" || first !== first.toLowerCase());
  let registry = hasRegistry ? first.toLowerCase() : "docker.io";
  let repository = hasRegistry ? rest.slice(slash + 1) : rest;
  let tag: string | undefined;
  const colon = repository.lastIndexOf(":");
  if (colon >= 0 && !repository.slice(colon).includes("/")) {
    tag = repository.slice(colon + 1);
    repository = repository.slice(0, colon);
  }
  if (HUB_NAMES.has(registry)) registry = "docker.io";
  if (registry === "docker.io" && !repository.includes("/")) repository = `library/${repository}`;
  return { registry, repository, tag, digest };
}

/** Parses `[registry/]repo[:tag][@digest]`; throws a TypeError when malformed. */
export function parseImageRef(image: string): ImageRef {
  if (!image.trim() || /\s/.test(image.trim())) {
    throw new TypeError(`Cannot parse image "${image}": empty or spaced`);
  }
  const p = splitImage(image);
  if (!/^[a-z0-9]+([._\/-][a-z0-9]+)*$/.test(p.repository)) {
    throw new TypeError(`Cannot parse image "${image}": invalid repository "${p.repository}"`);
  }
  return {
    registry: p.registry === "docker.io" ? HUB : p.registry,
    repository: p.repository,
    reference: p.digest ?? p.tag ?? "latest",
  };
}

/**
 * The normalized names of an image an allowlist is matched against: `x` is
 * `docker.io/library/x:latest`; a digest gives `…@sha256:…` (and `…:tag@sha256:…` with a tag).
 */
export function normalizedImageNames(image: string): string[] {
  const p = splitImage(image);
  const name = `${p.registry}/${p.repository}`;
  if (!p.digest) return [`${name}:${p.tag ?? "latest"}`];
  return p.tag ? [`${name}@${p.digest}`, `${name}:${p.tag}@${p.digest}`] : [`${name}@${p.digest}`];
}

/**
 * Normalizes an allowlist glob like an image (`node:*` → `docker.io/library/node:*`, an exact
 * `x` → `docker.io/library/x:latest`); a glob in the registry part (`*`, `*.acme.io/…`) is
 * kept as written, lower-cased up to the first slash.
 */
export function normalizeImagePattern(glob: string): string {
  const slash = glob.indexOf("/");
  const head = slash >= 0 ? glob.slice(0, slash) : glob;
  if (/[*?]/.test(head) && (slash >= 0 || /^[*?]/.test(glob))) {
    return head.toLowerCase() + glob.slice(head.length);
  }
  const p = splitImage(glob);
  const name = `${p.registry}/${p.repository}`;
  if (p.digest) return `${name}${p.tag ? `:${p.tag}` : ""}@${p.digest}`;
  if (p.tag !== undefined) return `${name}:${p.tag}`;
  return /[*?]/.test(p.repository.split("/").pop()!) ? name : `${name}:latest`;
}

/** The keys a `.dockerconfigjson` may use for a registry host. */
export function authKeys(registry: string): string[] {
  if (registry === HUB) {
    return ["https://index.docker.io/v1/", "index.docker.io", "docker.io", HUB];
  }
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`];
}
