/**
 * The path and query parameters of a request URL read straight from the string: `new URL()`
 * on every request costs more than the rest of the routing (measured under load).
 */

/** The path of an absolute URL (`http://host/path?query#frag` → `/path`), unnormalized. */
export function pathOf(url: string): string {
  const scheme = url.indexOf("//");
  const start = url.indexOf("/", scheme < 0 ? 0 : scheme + 2);
  if (start < 0) return "/";
  let end = url.indexOf("?", start);
  const hash = url.indexOf("#", start);
  if (end < 0 || (hash >= 0 && hash < end)) end = hash;
  return end < 0 ? url.slice(start) : url.slice(start, end);
}

/** The first value of query parameter `name` in `url`, decoded; null when absent or malformed. */
export function queryParam(url: string, name: string): string | null {
  const q = url.indexOf("?");
  if (q < 0) return null;
  const hash = url.indexOf("#", q);
  const query = hash < 0 ? url.slice(q + 1) : url.slice(q + 1, hash);
  for (const pair of query.split("&")) {
    const eq = pair.indexOf("=");
    const key = eq < 0 ? pair : pair.slice(0, eq);
    if (decode(key) !== name) continue;
    return eq < 0 ? "" : decode(pair.slice(eq + 1));
  }
  return null;
}

function decode(part: string): string | null {
  if (!part.includes("%") && !part.includes("+")) return part;
  try {
    return decodeURIComponent(part.replaceAll("+", " "));
  } catch {
    return null;
  }
}
