/** The one interface every upstream (stdio child, FIFO pair, HTTP, SSE) implements. */
import type { Message } from "../jsonrpc/message.ts";

/** Connection state of an upstream. */
export type UpstreamState = "starting" | "connected" | "down" | "closed";

/** Callbacks an upstream reports to. */
export interface UpstreamEvents {
  /** One parsed message from the server. */
  message(msg: Message): void;
  /** The connection came up (again). */
  connected(): void;
  /** The connection went away; `restarting` says whether it will come back by itself. */
  down(reason: string, restarting: boolean): void;
  /** Bytes received from the server (for metrics). */
  bytes?(n: number): void;
}

/** A connection to one MCP server. */
export interface Upstream {
  /** Starts connecting; events go to `events`. */
  start(events: UpstreamEvents): void;
  /** Sends one message; returns false when not connected. */
  send(msg: Message): boolean;
  /** Stops for good and releases every resource. */
  close(): Promise<void>;
}

/** Backoff delays for reconnecting: 100 ms doubling to 10 s. */
export function backoffMs(attempt: number): number {
  return Math.min(10_000, 100 * 2 ** Math.min(attempt, 10));
}
