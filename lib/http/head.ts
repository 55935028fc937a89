/** HTTP/1.1 request-head framing for the guarded front (pure). */

const enc = new TextEncoder();

/** A complete answer, then the connection closes. */
function answer(status: string): Uint8Array {
  return enc.encode(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
}

/** Sent when a request head did not arrive within the header timeout. */
export const HEAD_TIMEOUT: Uint8Array = answer("408 Request Timeout");

/** Sent when the first request head is larger than allowed. */
export const HEAD_TOO_LARGE: Uint8Array = answer("431 Request Header Fields Too Large");

/** Index just past the head's CRLF CRLF in `buf` (searching from `from`), or -1. */
export function headEnd(buf: Uint8Array, from = 0): number {
  for (let i = from; i + 3 < buf.length; i++) {
    if (buf[i] === 13 && buf[i + 1] === 10 && buf[i + 2] === 13 && buf[i + 3] === 10) return i + 4;
  }
  return -1;
}

/** What the server's handler saw of one connection (by the client's port). */
export interface ServedState {
  /** Requests whose head the server read. */
  requests: number;
  /** Of those, the ones whose response is not fully sent yet. */
  open: number;
  /** When the last response was sent (ms). */
  doneAt: number;
}

/** What the watch remembers of one socket between sweeps. */
export interface SeenState {
  /** When a sweep first saw the socket (ms). */
  firstSeen: number;
  /** Bytes received when the current idle period was first seen, and when that was. */
  baseline?: bigint;
  baselineAt?: number;
  /** When bytes were first seen arriving in the current idle period. */
  headSince?: number;
}

/**
 * Whether a socket is reading a request head for longer than `timeoutMs` (pure): its first head
 * is timed from when it was first seen; later ones from the first byte seen after the previous
 * response was sent. Idle keep-alive connections and requests being handled are never late.
 */
export function headCheck(
  served: ServedState | undefined,
  seen: SeenState,
  observed: { bytesReceived: bigint; now: number; timeoutMs: number },
): { seen: SeenState; late: boolean } {
  const { bytesReceived, now, timeoutMs } = observed;
  if (!served || served.requests === 0) {
    return { seen, late: now - seen.firstSeen > timeoutMs };
  }
  if (served.open > 0) return { seen: { firstSeen: seen.firstSeen }, late: false };
  if (seen.baselineAt === undefined || seen.baselineAt < served.doneAt) {
    return {
      seen: { firstSeen: seen.firstSeen, baseline: bytesReceived, baselineAt: now },
      late: false,
    };
  }
  if (bytesReceived <= (seen.baseline ?? 0n)) return { seen, late: false };
  const headSince = seen.headSince ?? now;
  return { seen: { ...seen, headSince }, late: now - headSince > timeoutMs };
}
