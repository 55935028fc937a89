/** Reading request bodies with a size limit, without buffering what lies beyond it. */

import { statusResponse } from "../auth/status.ts";

/** The largest management API body: 1 MiB. */
export const MAX_BODY_BYTES = 1 << 20;

/** The 413 the API server answers for an oversized body. */
export function tooLarge(limit: number): Response {
  const msg = `Request entity too large: limit is ${limit}`;
  return statusResponse(413, "RequestEntityTooLarge", msg);
}

/**
 * The body's bytes, or undefined once it exceeds `limit` (a declared Content-Length beyond it
 * is refused before reading; otherwise reading stops, and the stream is cancelled, at the
 * first chunk past the limit).
 */
export async function readLimited(req: Request, limit: number): Promise<Uint8Array | undefined> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (declared > limit) {
    await req.body?.cancel().catch(() => {});
    return undefined;
  }
  if (!req.body) return new Uint8Array();
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (true) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  return new Uint8Array(await new Blob(chunks as Uint8Array<ArrayBuffer>[]).arrayBuffer());
}
