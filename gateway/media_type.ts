/**
 * Media types parsed per RFC 9110 §8.3.1 and §12.5.1 (type "/" subtype, then `;` parameters,
 * quoted strings allowed), not substring-matched: `text/html; x=application/json` is HTML.
 */

const TOKEN = /^[!#$%&'*+.^_`|~0-9a-z-]+\/[!#$%&'*+.^_`|~0-9a-z-]+$/;

/** Splits `text` at `sep` outside double-quoted strings. */
function splitOutsideQuotes(text: string, sep: string): string[] {
  const out: string[] = [];
  let start = 0, quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === "\\" && quoted) i++;
    else if (c === '"') quoted = !quoted;
    else if (c === sep && !quoted) {
      out.push(text.slice(start, i));
      start = i + 1;
    }
  }
  out.push(text.slice(start));
  return out;
}

/** The lowercased `type/subtype` of a Content-Type value; null when absent or malformed. */
export function mediaType(header: string | null): string | null {
  if (header === null) return null;
  const semi = header.indexOf(";");
  const type = (semi < 0 ? header : header.slice(0, semi)).trim().toLowerCase();
  return TOKEN.test(type) ? type : null;
}

/** One media range of an Accept header with its weight. */
export interface MediaRange {
  type: string;
  q: number;
}

/** Parses an Accept header into media ranges (malformed ranges are skipped). */
export function parseAccept(header: string | null): MediaRange[] {
  if (header === null) return [];
  const out: MediaRange[] = [];
  for (const part of splitOutsideQuotes(header, ",")) {
    const [range, ...params] = splitOutsideQuotes(part, ";");
    const type = mediaType(range);
    if (type === null) continue;
    let q = 1;
    for (const p of params) {
      const [k, v] = p.split("=").map((s) => s.trim());
      if (k.toLowerCase() === "q") q = Number(v);
    }
    if (Number.isFinite(q)) out.push({ type, q });
  }
  return out;
}

/** Whether `ranges` accept `type` (exact, `type/*` or `*\/*`, the most specific range deciding). */
export function accepts(ranges: MediaRange[], type: string): boolean {
  const major = `${type.slice(0, type.indexOf("/"))}/*`;
  let best = -1, q = 0;
  for (const r of ranges) {
    const rank = r.type === type ? 2 : r.type === major ? 1 : r.type === "*/*" ? 0 : -1;
    if (rank > best) [best, q] = [rank, r.q];
  }
  return best >= 0 && q > 0;
}
