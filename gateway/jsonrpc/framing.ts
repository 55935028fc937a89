/** Newline-delimited JSON framing with a per-line size cap (stdio and FIFO upstreams). */

export { LineDecoder, type LineDecoderOptions } from "../../lib/lines.ts";

const encoder = new TextEncoder();

/** Encodes one message as a newline-terminated JSON line. */
export function encodeLine(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value) + "\n");
}
