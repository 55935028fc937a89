/** One logical server-sent-event stream with per-stream event ids and a bounded replay buffer. */
import type { Message } from "../jsonrpc/message.ts";

const encoder = new TextEncoder();

/** Options of {@linkcode SseStream}. */
export interface SseStreamOptions {
  /** Keep this many recent events for `Last-Event-ID` replay. Default 0 (no ids, no replay). */
  history?: number;
  /** Called when the client's connection goes away. */
  onDisconnect?: () => void;
  /** Send an SSE comment this often while connected, so idle intermediaries keep it. Default off. */
  heartbeatMs?: number;
}

const HEARTBEAT = new TextEncoder().encode(":\n\n");

/** Splits an event id `STREAM_N` into stream id and sequence number. */
export function parseEventId(value: string | null): { stream: string; n: number } | null {
  if (!value) return null;
  const at = value.lastIndexOf("_");
  const n = Number(value.slice(at + 1));
  if (at <= 0 || !Number.isInteger(n)) return null;
  return { stream: value.slice(0, at), n };
}

/** A stream of events that survives reconnects: events go to the current connection if any. */
export class SseStream {
  readonly id: string;
  #n = 0;
  #history: { n: number; chunk: Uint8Array }[] = [];
  #max: number;
  #ctrl: ReadableStreamDefaultController<Uint8Array> | null = null;
  #ended = false;
  #opts: SseStreamOptions;
  #beat: ReturnType<typeof setInterval> | undefined;

  constructor(id: string, opts: SseStreamOptions = {}) {
    this.id = id;
    this.#max = opts.history ?? 0;
    this.#opts = opts;
  }

  /** Whether the stream has ended (no more events will come). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Whether a client connection is attached. */
  get connected(): boolean {
    return this.#ctrl !== null;
  }

  /** Opens a client connection, first replaying the buffered events after `after`. */
  connect(after?: number): ReadableStream<Uint8Array> {
    this.#detach();
    return new ReadableStream<Uint8Array>({
      start: (ctrl) => {
        if (after !== undefined) {
          for (const e of this.#history) if (e.n > after) ctrl.enqueue(e.chunk);
        }
        if (this.#ended) return ctrl.close();
        this.#ctrl = ctrl;
        this.#startBeat();
      },
      cancel: () => {
        this.#ctrl = null;
        this.#stopBeat();
        this.#opts.onDisconnect?.();
      },
    });
  }

  /** Sends one JSON-RPC message as a `message` event. */
  send(msg: Message): void {
    this.event("message", JSON.stringify(msg));
  }

  /** Sends one raw event. */
  event(event: string, data: string): void {
    if (this.#ended) return;
    let text: string;
    if (this.#max > 0) {
      const n = ++this.#n;
      text = `id: ${this.id}_${n}\nevent: ${event}\ndata: ${data}\n\n`;
      const chunk = encoder.encode(text);
      this.#history.push({ n, chunk });
      if (this.#history.length > this.#max) this.#history.shift();
      this.#write(chunk);
      return;
    }
    this.#write(encoder.encode(`event: ${event}\ndata: ${data}\n\n`));
  }

  #write(chunk: Uint8Array): void {
    try {
      this.#ctrl?.enqueue(chunk);
    } catch {
      this.#ctrl = null;
    }
  }

  #startBeat(): void {
    const ms = this.#opts.heartbeatMs;
    if (!ms || this.#beat !== undefined) return;
    this.#beat = setInterval(() => this.#write(HEARTBEAT), ms);
  }

  #stopBeat(): void {
    clearInterval(this.#beat);
    this.#beat = undefined;
  }

  #detach(): void {
    this.#stopBeat();
    try {
      this.#ctrl?.close();
    } catch { /* already closed */ }
    this.#ctrl = null;
  }

  /** Ends the stream and closes the connection. */
  end(): void {
    this.#ended = true;
    this.#detach();
  }
}
