/** Tool-name globs: `*` any run of characters, `?` one character, the rest literal (pure). */

/** Compiles a glob to an anchored, case-sensitive RegExp. */
export function globToRegExp(glob: string): RegExp {
  let re = "^";
  for (const ch of glob) {
    if (ch === "*") re += ".*";
    else if (ch === "?") re += ".";
    else re += ch.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`${re}$`, "su");
}

/** A list of globs compiled once; `match` names the first glob a name matches. */
export class GlobList {
  readonly globs: string[];
  #res: RegExp[];

  constructor(globs: string[]) {
    this.globs = globs;
    this.#res = globs.map(globToRegExp);
  }

  /** The first glob matching `name`, or undefined. */
  match(name: string): string | undefined {
    for (let i = 0; i < this.#res.length; i++) if (this.#res[i].test(name)) return this.globs[i];
    return undefined;
  }
}
