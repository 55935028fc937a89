/** Reads a Kubernetes watch stream: one `{"type","object"}` JSON event per line. */

import { LineDecoder } from "../lines.ts";
import type { KubeClient } from "./client.ts";
import { KubeError, type Status } from "./errors.ts";
import type { Query } from "./path.ts";

/** A watch event (`ADDED`, `MODIFIED`, `DELETED`, `BOOKMARK`). */
export interface WatchEvent<T> {
  type: string;
  object: T;
}

/** Options of {@linkcode readWatch}. */
export interface ReadWatchOptions {
  /** Called on every chunk received, blank keep-alive lines included (idle timers). */
  onChunk?: () => void;
  /** Longest accepted event line. Default 16 MiB. */
  maxLineBytes?: number;
}

/**
 * Reads `body` until it ends, calling `onEvent` per event. An `ERROR` event throws a
 * {@linkcode KubeError} from its Status (410 Expired: `isGone`); the stream is cancelled on exit.
 */
export async function readWatch<T>(
  body: ReadableStream<Uint8Array>,
  onEvent: (ev: WatchEvent<T>) => void,
  opts: ReadWatchOptions = {},
): Promise<void> {
  let oversize = 0;
  const decoder = new LineDecoder({
    maxLineBytes: opts.maxLineBytes,
    onOversize: (n) => oversize = n,
  });
  const reader = body.getReader();
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return;
      opts.onChunk?.();
      for (const line of decoder.push(value)) onEvent(parseEvent<T>(line));
      if (oversize) throw new RangeError(`Cannot read watch event: ${oversize} bytes too long`);
    }
  } finally {
    await reader.cancel().catch(() => {});
  }
}

function parseEvent<T>(line: string): WatchEvent<T> {
  const ev = JSON.parse(line) as WatchEvent<T>;
  if (ev.type === "ERROR") {
    const status = ev.object as Status;
    throw new KubeError(status.code ?? 500, status, `watch error: ${line.slice(0, 200)}`);
  }
  return ev;
}

/** Options of {@linkcode watchCollection}. */
export interface WatchOptions extends ReadWatchOptions {
  signal?: AbortSignal;
}

/** Watches `path` (`watch=true` added to `query`) until the stream ends; ERROR events throw. */
export async function watchCollection<T>(
  client: KubeClient,
  path: string,
  query: Query,
  onEvent: (ev: WatchEvent<T>) => void,
  opts: WatchOptions = {},
): Promise<void> {
  const res = await client.stream(path, { query: { ...query, watch: true }, signal: opts.signal });
  await readWatch(res.body!, onEvent, opts);
}
