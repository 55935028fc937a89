/** Splits byte streams into lines with a size cap (JSON-RPC over stdio, Kubernetes watches). */

/** Options of {@linkcode LineDecoder}. */
export interface LineDecoderOptions {
  /** Longest accepted line in bytes; longer lines are dropped and reported. Default 16 MiB. */
  maxLineBytes?: number;
  /** Called with the byte length of each dropped over-long line. */
  onOversize?: (bytes: number) => void;
}

const NL = 10;

/** Splits a byte stream into lines (without the newline), decoding UTF-8 once per line. */
export class LineDecoder {
  #chunks: Uint8Array[] = [];
  #size = 0;
  #skipping = false;
  #max: number;
  #onOversize: (bytes: number) => void;
  #decoder = new TextDecoder();

  constructor(opts: LineDecoderOptions = {}) {
    this.#max = opts.maxLineBytes ?? 16 * 1024 * 1024;
    this.#onOversize = opts.onOversize ?? (() => {});
  }

  /** Feeds bytes and returns the complete non-empty lines they finish. */
  push(bytes: Uint8Array): string[] {
    const lines: string[] = [];
    let start = 0;
    for (let nl = bytes.indexOf(NL); nl !== -1; nl = bytes.indexOf(NL, start)) {
      this.#append(bytes.subarray(start, nl));
      const line = this.#take();
      if (line !== null && line.trim() !== "") lines.push(line);
      start = nl + 1;
    }
    if (start < bytes.length) this.#append(bytes.slice(start));
    return lines;
  }

  #append(part: Uint8Array): void {
    if (part.length === 0) return;
    this.#size += part.length;
    if (this.#skipping) return;
    if (this.#size > this.#max) {
      this.#skipping = true;
      this.#chunks = [];
      return;
    }
    this.#chunks.push(part);
  }

  #take(): string | null {
    const size = this.#size, chunks = this.#chunks, skipped = this.#skipping;
    this.#chunks = [];
    this.#size = 0;
    this.#skipping = false;
    if (skipped) {
      this.#onOversize(size);
      return null;
    }
    if (chunks.length === 1) return this.#decoder.decode(chunks[0]);
    const all = new Uint8Array(size);
    let off = 0;
    for (const c of chunks) {
      all.set(c, off);
      off += c.length;
    }
    return this.#decoder.decode(all);
  }
}
