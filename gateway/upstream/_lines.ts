/** Reads newline-delimited JSON-RPC from a byte stream and reports parsed messages. */
import { LineDecoder } from "../jsonrpc/framing.ts";
import { classify, type Message } from "../jsonrpc/message.ts";
import type { UpstreamEvents } from "./types.ts";

/** Pumps `readable` until EOF or error, parsing each line once; invalid lines are skipped. */
export async function pumpLines(
  readable: ReadableStream<Uint8Array>,
  events: UpstreamEvents,
  onBadLine: (why: string) => void,
): Promise<void> {
  const decoder = new LineDecoder({ onOversize: (n) => onBadLine(`line of ${n} bytes too long`) });
  const reader = readable.getReader();
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      events.bytes?.(value.length);
      for (const line of decoder.push(value)) {
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
    }
  } catch {
    // The stream broke: same as EOF for the caller.
  } finally {
    reader.releaseLock();
  }
}
