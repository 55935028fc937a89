/**
 * `subscriptions/listen` (2026-07-28): a long-lived SSE response that first acknowledges the
 * notification types the upstream can honour, then carries the opted-in list-changed and
 * resource-updated notifications tagged with the subscription id.
 */
import { type Id, type Json, type Message, resultResponse } from "../jsonrpc/message.ts";
import type { Hub, SessionSink } from "../session/hub.ts";
import type { TransportContext } from "./context.ts";
import { SSE_HEADERS } from "./exchange.ts";
import { SseStream } from "./sse_stream.ts";

const SUBSCRIPTION_ID = "io.modelcontextprotocol/subscriptionId";

/** What a listen request asked for and the server can give. */
export interface SubscriptionFilter {
  toolsListChanged?: boolean;
  promptsListChanged?: boolean;
  resourcesListChanged?: boolean;
  resourceSubscriptions?: string[];
}

const FILTER_OF: Record<string, keyof SubscriptionFilter> = {
  "notifications/tools/list_changed": "toolsListChanged",
  "notifications/prompts/list_changed": "promptsListChanged",
  "notifications/resources/list_changed": "resourcesListChanged",
};

/** The part of `asked` the upstream's capabilities can honour (pure). */
export function honoured(asked: SubscriptionFilter, capabilities: Json): SubscriptionFilter {
  const caps = capabilities as Record<string, { listChanged?: boolean; subscribe?: boolean }>;
  const out: SubscriptionFilter = {};
  if (asked.toolsListChanged && caps.tools?.listChanged) out.toolsListChanged = true;
  if (asked.promptsListChanged && caps.prompts?.listChanged) out.promptsListChanged = true;
  if (asked.resourcesListChanged && caps.resources?.listChanged) out.resourcesListChanged = true;
  if (asked.resourceSubscriptions?.length && caps.resources?.subscribe) {
    out.resourceSubscriptions = asked.resourceSubscriptions.map(String);
  }
  return out;
}

let nextListen = 0;

class ListenSink implements SessionSink {
  readonly sid = `listen:${nextListen++}`;
  readonly stream: SseStream;
  #id: Id;
  #filter: SubscriptionFilter;

  constructor(id: Id, filter: SubscriptionFilter, onGone: () => void) {
    this.#id = id;
    this.#filter = filter;
    this.stream = new SseStream(this.sid, { onDisconnect: onGone, heartbeatMs: 25_000 });
  }

  #tagged(msg: Message): Message {
    const params = msg.params ?? {};
    const meta = { ...(params._meta as Json | undefined), [SUBSCRIPTION_ID]: this.#id };
    return { ...msg, params: { ...params, _meta: meta } };
  }

  acknowledge(): void {
    const params = { notifications: this.#filter };
    this.stream.send(this.#tagged({
      jsonrpc: "2.0",
      method: "notifications/subscriptions/acknowledged",
      params,
    }));
  }

  deliver(msg: Message): boolean {
    if (msg.method === undefined || msg.id !== undefined) return msg.method === undefined;
    const key = FILTER_OF[msg.method];
    const wanted = key
      ? this.#filter[key] === true
      : msg.method === "notifications/resources/updated" &&
        (this.#filter.resourceSubscriptions ?? []).includes(String(msg.params?.uri));
    if (wanted) this.stream.send(this.#tagged(msg));
    return wanted;
  }

  close(): void {
    this.stream.send(
      resultResponse(this.#id, { resultType: "complete", _meta: { [SUBSCRIPTION_ID]: this.#id } }),
    );
    this.stream.end();
  }
}

/** Opens a listen stream over the hub; resource subscriptions go upstream as this session's. */
export function handleListen(
  req: Request,
  msg: Message,
  hub: Hub,
  ctx: TransportContext,
): Response {
  const asked = (msg.params?.notifications ?? {}) as SubscriptionFilter;
  const filter = honoured(asked, (hub.initResult?.capabilities ?? {}) as Json);
  let gone = false;
  const closed = ctx.streamOpened();
  const leave = () => {
    if (gone) return;
    gone = true;
    closed();
    hub.detach(sink.sid);
    ctx.releaseHub(hub);
  };
  const sink = new ListenSink(msg.id as Id, filter, leave);
  const body = sink.stream.connect();
  sink.acknowledge();
  hub.attach(sink.sid, sink);
  req.signal.addEventListener("abort", leave, { once: true });
  (filter.resourceSubscriptions ?? []).forEach((uri, i) => {
    const sub: Message = {
      jsonrpc: "2.0",
      id: `sub${i}`,
      method: "resources/subscribe",
      params: { uri },
    };
    hub.fromClient(sink.sid, sub);
  });
  return new Response(body, { headers: SSE_HEADERS });
}
