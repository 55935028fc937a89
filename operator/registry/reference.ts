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

/** Parses `[registry/]repo[:tag][@digest]`; throws a TypeError when malformed. */
export function parseImageRef(image: string): ImageRef {
  let rest = image.trim();
  if (!rest || /\s/.test(rest)) {
    throw new TypeError(`Cannot parse image "${image}": empty or spaced`);
  }
  let digest: string | undefined;
  const at = rest.indexOf("@");
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
  }
  const slash = rest.indexOf("/");
  const first = slash >= 0 ? rest.slice(0, slash) : "";
  const hasRegistry = slash >= 0 && (/[.:]/.test(first) || first === "localhost");
  let registry = hasRegistry ? first : HUB;
  let repo = hasRegistry ? rest.slice(slash + 1) : rest;
  let tag = "latest";
  const colon = repo.lastIndexOf(":");
  if (colon >= 0) {
    tag = repo.slice(colon + 1);
    repo = repo.slice(0, colon);
  }
  if (registry === "docker.io" || registry === "index.docker.io") registry = HUB;
  if (registry === HUB && !repo.includes("/")) repo = `library/${repo}`;
  if (!/^[a-z0-9]+([._\/-][a-z0-9]+)*$/.test(repo)) {
    throw new TypeError(`Cannot parse image "${image}": invalid repository "${repo}"`);
  }
  return { registry, repository: repo, reference: digest ?? tag };
}

/** The keys a `.dockerconfigjson` may use for a registry host. */
export function authKeys(registry: string): string[] {
  if (registry === HUB) {
    return ["https://index.docker.io/v1/", "index.docker.io", "docker.io", HUB];
  }
  return [registry, `https://${registry}`, `http://${registry}`, `https://${registry}/v1/`];
}
