/** Reads newline-delimited JSON-RPC from bytes and reports parsed messages. */
import { LineDecoder } from "../jsonrpc/framing.ts";
import { classify, type Message } from "../jsonrpc/message.ts";
import type { UpstreamEvents } from "./types.ts";

/** Returns a function taking byte chunks that reports each complete, valid message once. */
export function lineParser(
  events: UpstreamEvents,
  onBadLine: (why: string) => void,
): (chunk: Uint8Array) => void {
  const decoder = new LineDecoder({ onOversize: (n) => onBadLine(`line of ${n} bytes too long`) });
  return (chunk) => {
    events.bytes?.(chunk.length);
    for (const line of decoder.push(chunk)) {
      let msg: unknown;
      try {
        msg = JSON.parse(line);
      } catch {
        onBadLine("not JSON");
        continue;
      }
      if (classify(msg) === "invalid") onBadLine("not JSON-RPC");
      else events.message(msg as Message);
    }
  };
}

/** Pumps `readable` until EOF or error through {@linkcode lineParser}. */
export async function pumpLines(
  readable: ReadableStream<Uint8Array>,
  events: UpstreamEvents,
  onBadLine: (why: string) => void,
): Promise<void> {
  const parse = lineParser(events, onBadLine);
  const reader = readable.getReader();
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      parse(value);
    }
  } catch {
    // The stream broke: same as EOF for the caller.
  } finally {
    reader.releaseLock();
  }
}
