/**
 * Spans of the JSON-RPC requests a hub routes (only when tracing is on): a SERVER span per
 * client request (parent: the request's `_meta` context, else its HTTP `traceparent`) and a
 * CLIENT child span for the upstream call, whose context travels to the server in
 * `params._meta`. Both end when the response reaches the session, or when the request is
 * cancelled, refused or left behind.
 */
import type { Id, Message } from "../jsonrpc/message.ts";
import {
  type Carrier,
  mcpSpanName,
  metaCarrier,
  requestAttributes,
  responseOutcome,
  type Span,
  type Tracing,
  withMetaCarrier,
} from "../../lib/trace/mod.ts";

/** Most requests traced at once; past it the oldest spans end as abandoned. */
const MAX_OPEN = 10_000;

interface Open {
  server: Span;
  upstream: Span;
}

function key(sid: string, id: Id): string {
  return `${sid}\n${typeof id}:${id}`;
}

/** The open spans of one hub's requests. */
export class MessageTraces {
  #tracing: Tracing;
  #transport: "tcp" | "pipe";
  #open = new Map<string, Open>();

  /** `upstream`: how the hub reaches its server (`pipe` for stdio and FIFOs, else `tcp`). */
  constructor(tracing: Tracing, upstream: "tcp" | "pipe") {
    this.#tracing = tracing;
    this.#transport = upstream;
  }

  /** Starts the spans of a client request; returns it with the upstream span's `_meta` context. */
  begin(sid: string, msg: Message, parent: Carrier | undefined, version?: string): Message {
    const k = key(sid, msg.id as Id);
    if (this.#open.has(k)) return msg; // a duplicate id: refused, the first keeps its spans
    const name = mcpSpanName(msg);
    const attributes = requestAttributes(msg, { sessionId: sid, protocolVersion: version });
    const server = this.#tracing.start(name, {
      kind: "server",
      parent: metaCarrier(msg) ?? parent,
      attributes: { ...attributes, "network.transport": "tcp" },
    });
    const upstream = this.#tracing.start(name, {
      kind: "client",
      parent: server,
      attributes: { ...attributes, "network.transport": this.#transport },
    });
    this.#open.set(k, { server, upstream });
    if (this.#open.size > MAX_OPEN) this.#drop(this.#open.keys().next().value!, "abandoned");
    return withMetaCarrier(msg, upstream.carrier());
  }

  /** Ends the spans of the request `id` of `sid` with its response. */
  end(sid: string, id: Id, response: Message): void {
    const k = key(sid, id);
    const open = this.#open.get(k);
    if (!open) return;
    this.#open.delete(k);
    const { attributes, error } = responseOutcome(response);
    for (const span of [open.upstream, open.server]) {
      span.setAttributes(attributes);
      if (error !== undefined) span.fail(error);
      span.end();
    }
  }

  /** Ends the spans of a request that got no response (`id`), or of all of a session's. */
  abandon(sid: string, id: Id | undefined, reason: string): void {
    if (id !== undefined) return this.#drop(key(sid, id), reason);
    for (const k of [...this.#open.keys()]) if (k.startsWith(`${sid}\n`)) this.#drop(k, reason);
  }

  #drop(k: string, reason: string): void {
    const open = this.#open.get(k);
    if (!open) return;
    this.#open.delete(k);
    for (const span of [open.upstream, open.server]) {
      span.setAttributes({ "error.type": "cancelled" });
      span.fail(reason);
      span.end();
    }
  }
}
