/**
 * One POST exchange of the Streamable HTTP transport: waits for the responses to the POSTed
 * requests and answers with JSON, or switches to an SSE stream as soon as a related message
 * (progress, server request) must be sent before the response (when the client accepts both).
 */
import { ErrorCode, errorResponse, type Id, type Message } from "../jsonrpc/message.ts";
import { accepts, mediaType, parseAccept } from "../media_type.ts";
import { jsonResponse } from "./context.ts";
import type { SseStream } from "./sse_stream.ts";

/** How a POST may be answered: JSON only, SSE only, or JSON unless streaming is needed. */
export type ReplyMode = "json" | "sse" | "auto";

/** The Accept header MCP clients send, answered without parsing. */
const CLIENT_ACCEPT = "application/json, text/event-stream";

/** Picks the reply mode from an Accept header; null when it allows neither (406). */
export function replyMode(accept: string | null): ReplyMode | null {
  if (accept === CLIENT_ACCEPT) return "auto";
  const ranges = parseAccept(accept);
  const json = accepts(ranges, "application/json"), sse = accepts(ranges, "text/event-stream");
  return json && sse ? "auto" : json ? "json" : sse ? "sse" : null;
}

/** Whether a Content-Type header says `application/json` (parameters such as charset allowed). */
export function isJsonContent(contentType: string | null): boolean {
  return contentType === "application/json" || mediaType(contentType) === "application/json";
}

/** Headers of an SSE response. */
export const SSE_HEADERS = {
  "content-type": "text/event-stream",
  "cache-control": "no-cache",
  "x-accel-buffering": "no",
};

/** The pending answer to one POST carrying one request or a batch. */
export class Exchange {
  readonly response: Promise<Response>;
  #want = new Set<Id>();
  #ids: Id[];
  #responses: Message[] = [];
  #stream: SseStream | null = null;
  #resolve!: (r: Response) => void;
  #mode: ReplyMode;
  #batch: boolean;
  #headers: Record<string, string>;
  #status: (body: Message) => number;
  #newStream: () => SseStream;

  constructor(
    ids: Id[],
    opts: {
      mode: ReplyMode;
      batch: boolean;
      headers: Record<string, string>;
      /** HTTP status of a JSON answer (default 200). */
      status?: (body: Message) => number;
    },
    newStream: () => SseStream,
  ) {
    this.#ids = ids;
    for (const id of ids) this.#want.add(id);
    this.#mode = opts.mode;
    this.#batch = opts.batch;
    this.#headers = opts.headers;
    this.#status = opts.status ?? (() => 200);
    this.#newStream = newStream;
    this.response = new Promise((r) => this.#resolve = r);
    if (this.#mode === "sse") this.#openStream();
  }

  /** Whether the answer became an SSE stream (a disconnect then cancels nothing: it resumes). */
  get streaming(): boolean {
    return this.#stream !== null;
  }

  /** Whether every response was sent. */
  get done(): boolean {
    return this.#want.size === 0;
  }

  /** Takes a response or a related message; false when it does not belong here. */
  take(msg: Message, isResponse: boolean): boolean {
    if (isResponse) {
      if (!this.#want.delete(msg.id as Id)) return false;
      if (this.#stream) {
        this.#stream.send(msg);
        if (this.done) this.#stream.end();
      } else {
        this.#responses.push(msg);
        if (this.done) this.#finishJson();
      }
      return true;
    }
    if (this.#mode === "json") return false;
    this.#openStream().send(msg);
    return true;
  }

  #finishJson(): void {
    const status = this.#batch ? 200 : this.#status(this.#responses[0]);
    const body = this.#batch ? this.#responses : this.#responses[0];
    this.#resolve(jsonResponse(body, status, this.#headers));
  }

  #openStream(): SseStream {
    if (this.#stream) return this.#stream;
    const stream = this.#stream = this.#newStream();
    this.#resolve(
      new Response(stream.connect(), { headers: { ...SSE_HEADERS, ...this.#headers } }),
    );
    for (const r of this.#responses) stream.send(r);
    this.#responses = [];
    return stream;
  }

  /** Answers every still-pending request with an error (session ended). */
  abort(reason: string): void {
    for (const id of this.#ids) {
      if (this.#want.has(id)) {
        this.take(errorResponse(id, ErrorCode.ConnectionClosed, reason), true);
      }
    }
  }

  /** Client request ids of this exchange. */
  get ids(): Id[] {
    return this.#ids;
  }
}
