/**
 * Routing between many client sessions and one upstream: JSON-RPC id and progress-token
 * rewriting, subscriptions, log levels and server-to-client request routing. Plain data and
 * functions: every call returns the messages to send, no I/O happens here.
 */
import { ErrorCode, errorResponse, type Id, type Message, metaOf } from "../jsonrpc/message.ts";

/** A message the caller must send: up to the server or down to one session. */
export type Action =
  | { to: "upstream"; msg: Message }
  | { to: "session"; sid: string; msg: Message; related?: Id; inferred?: true }
  | { to: "deferred"; msg: Message };

interface Pending {
  sid: string;
  clientId: Id;
  method: string;
  token?: string;
  /** When the request was sent or last reported progress (ms, the router's clock). */
  last: number;
}

/** Options of {@linkcode Router}. */
export interface RouterOptions {
  /** Clock in ms for request deadlines. Default `Date.now`. */
  now?: () => number;
}

interface SessionState {
  /** Upstream id of each pending request, by the client's id (Map keys keep 1 and "1" apart). */
  pending: Map<Id, number>;
  level?: number;
}

const LEVELS = ["debug", "info", "notice", "warning", "error", "critical", "alert", "emergency"];
const INTERNAL = "";
const RELATED_KEYS = ["io.modelcontextprotocol/related-request-id", "relatedRequestId"];
/** Client methods that do not run server code able to ask the client something back. */
const CANNOT_CAUSE = new Set([
  "tools/list",
  "resources/list",
  "resources/templates/list",
  "prompts/list",
  "resources/subscribe",
  "resources/unsubscribe",
  "logging/setLevel",
  "tasks/list",
  "tasks/get",
]);

/** Who caused a server request; `inferred`: only guessed (the one call in flight that can ask). */
type Owner = { sid: string; related?: Id; inferred?: true } | "none" | "ambiguous";

/** A JSON-RPC error refusing a server request the gateway cannot route. */
function refusal(msg: Message, why: string): Action {
  const text = `Cannot route request "${msg.method}": ${why}`;
  return { to: "upstream", msg: errorResponse(msg.id, ErrorCode.InternalError, text) };
}

/** An answer the gateway gives itself, delivered like the upstream's answer would be. */
function localReply(sid: string, id: Id, result: unknown): Action {
  return { to: "session", sid, msg: { jsonrpc: "2.0", id, result }, related: id };
}

/** A client notification telling the server to stop working on upstream request `upId`. */
function cancelUpstream(upId: number, reason: string): Action {
  const params = { requestId: upId, reason };
  return { to: "upstream", msg: { jsonrpc: "2.0", method: "notifications/cancelled", params } };
}

/** Per-session routing state over a single upstream connection. */
export class Router {
  #now: () => number;
  #nextId = 1;
  #pending = new Map<number, Pending>();
  #tokens = new Map<string, { sid: string; clientToken: unknown; clientId: Id; upId: number }>();
  #serverReqs = new Map<Id, string>();
  #subs = new Map<string, Set<string>>();
  #sessions = new Map<string, SessionState>();
  #deferred = new Map<Id, Message>();

  constructor(opts: RouterOptions = {}) {
    this.#now = opts.now ?? Date.now;
  }

  /** Registers a session so it receives broadcasts. */
  addSession(sid: string): void {
    if (!this.#sessions.has(sid)) this.#sessions.set(sid, { pending: new Map() });
  }

  /** Number of upstream requests waiting for an answer. */
  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Routes one message from a client session (initialize is handled by the caller). */
  fromClient(sid: string, msg: Message): Action[] {
    const s = this.#sessions.get(sid);
    if (!s) return [];
    if (msg.method === undefined) return this.#clientResponse(sid, msg);
    if (msg.id === undefined) return this.#clientNotification(s, msg);
    if (s.pending.has(msg.id as Id)) {
      const text = `Cannot accept request id ${JSON.stringify(msg.id)}: ` +
        "a request with that id is in flight in this session";
      const err = errorResponse(msg.id, ErrorCode.InvalidRequest, text);
      return [{ to: "session", sid, msg: err, related: msg.id as Id }];
    }
    switch (msg.method) {
      case "ping":
        return [localReply(sid, msg.id as Id, {})];
      case "resources/subscribe":
      case "resources/unsubscribe":
        return this.#subscription(sid, msg);
      case "logging/setLevel":
        return this.#setLevel(sid, s, msg);
    }
    return [{ to: "upstream", msg: this.#rewriteRequest(sid, s, msg) }];
  }

  #rewriteRequest(sid: string, s: SessionState, msg: Message): Message {
    const upId = this.#nextId++;
    const entry: Pending = {
      sid,
      clientId: msg.id as Id,
      method: msg.method as string,
      last: this.#now(),
    };
    this.#pending.set(upId, entry);
    s.pending.set(msg.id as Id, upId);
    const meta = metaOf(msg);
    if (meta === undefined || meta.progressToken === undefined) return { ...msg, id: upId };
    const token = `p${upId}`;
    entry.token = token;
    const clientToken = meta.progressToken;
    this.#tokens.set(token, { sid, clientToken, clientId: msg.id as Id, upId });
    const params = { ...msg.params, _meta: { ...meta, progressToken: token } };
    return { ...msg, id: upId, params };
  }

  #clientNotification(s: SessionState, msg: Message): Action[] {
    if (msg.method === "notifications/initialized") return [];
    if (msg.method === "notifications/cancelled") {
      const clientId = msg.params?.requestId as Id;
      const upId = s.pending.get(clientId);
      const p = upId === undefined ? undefined : this.#pending.get(upId);
      if (upId === undefined || !p) return [];
      // The server need not answer a cancelled request: settle it here so nothing waits.
      this.#forget(upId, p);
      const err = errorResponse(clientId, ErrorCode.ConnectionClosed, "Request cancelled");
      return [
        { to: "upstream", msg: { ...msg, params: { ...msg.params, requestId: upId } } },
        { to: "session", sid: p.sid, msg: err, related: clientId },
      ];
    }
    return [{ to: "upstream", msg }];
  }

  #clientResponse(sid: string, msg: Message): Action[] {
    const key = msg.id as Id;
    if (this.#serverReqs.get(key) !== sid) return [];
    this.#serverReqs.delete(key);
    return [{ to: "upstream", msg }];
  }

  #subscription(sid: string, msg: Message): Action[] {
    const uri = String(msg.params?.uri ?? "");
    const set = this.#subs.get(uri) ?? new Set<string>();
    const before = set.size;
    if (msg.method === "resources/subscribe") set.add(sid);
    else set.delete(sid);
    if (set.size > 0) this.#subs.set(uri, set);
    else this.#subs.delete(uri);
    const firstIn = before === 0 && set.size === 1;
    const lastOut = before > 0 && set.size === 0;
    if (firstIn || lastOut) {
      return [{ to: "upstream", msg: this.#rewriteRequest(sid, this.#sessions.get(sid)!, msg) }];
    }
    return [localReply(sid, msg.id as Id, {})];
  }

  #setLevel(sid: string, s: SessionState, msg: Message): Action[] {
    const level = LEVELS.indexOf(String(msg.params?.level));
    if (level < 0) {
      const err = errorResponse(msg.id, ErrorCode.InvalidParams, "Invalid log level");
      return [{ to: "session", sid, msg: err, related: msg.id as Id }];
    }
    s.level = level;
    let min = level;
    for (const other of this.#sessions.values()) min = Math.min(min, other.level ?? min);
    const up = { ...msg, params: { ...msg.params, level: LEVELS[min] } };
    return [{ to: "upstream", msg: this.#rewriteRequest(sid, s, up) }];
  }

  /** Routes one message from the upstream server to the sessions it concerns. */
  fromUpstream(msg: Message): Action[] {
    if (msg.method === undefined) return this.#upstreamResponse(msg);
    if (msg.id === undefined) return this.#upstreamNotification(msg);
    return this.#serverRequest(msg);
  }

  #upstreamResponse(msg: Message): Action[] {
    const upId = msg.id as number;
    const p = this.#pending.get(upId);
    if (!p) return [];
    this.#forget(upId, p);
    const retried = this.#deferred.size > 0 ? this.#retryDeferred() : [];
    if (p.sid === INTERNAL) return retried;
    const out = { ...msg, id: p.clientId };
    return [{ to: "session", sid: p.sid, msg: out, related: p.clientId }, ...retried];
  }

  #forget(upId: number, p: Pending): void {
    this.#pending.delete(upId);
    if (p.token) this.#tokens.delete(p.token);
    this.#sessions.get(p.sid)?.pending.delete(p.clientId);
  }

  #upstreamNotification(msg: Message): Action[] {
    const method = msg.method as string;
    if (method === "notifications/progress") {
      const t = this.#tokens.get(String(msg.params?.progressToken));
      if (!t) return [];
      const p = this.#pending.get(t.upId);
      if (p) p.last = this.#now(); // progress extends the request's deadline
      const params = { ...msg.params, progressToken: t.clientToken };
      return [{ to: "session", sid: t.sid, msg: { ...msg, params }, related: t.clientId }];
    }
    if (method === "notifications/resources/updated") {
      const subs = this.#subs.get(String(msg.params?.uri ?? "")) ?? new Set<string>();
      return [...subs].map((sid) => ({ to: "session" as const, sid, msg }));
    }
    if (method === "notifications/cancelled") {
      if (this.#deferred.delete(msg.params?.requestId as Id)) return [];
      const sid = this.#serverReqs.get(msg.params?.requestId as Id);
      return sid === undefined ? [] : [{ to: "session", sid, msg }];
    }
    if (method === "notifications/message") {
      const level = LEVELS.indexOf(String(msg.params?.level));
      return this.#broadcast(msg, (s) => s.level === undefined || level >= s.level);
    }
    return this.#broadcast(msg, () => true);
  }

  #broadcast(msg: Message, want: (s: SessionState) => boolean): Action[] {
    const out: Action[] = [];
    for (const [sid, s] of this.#sessions) if (want(s)) out.push({ to: "session", sid, msg });
    return out;
  }

  /**
   * Routes a server-to-client request: by related id or progress token in `_meta`, else to the
   * only session with a call in flight that can ask back (marked `inferred`: the server may have
   * sent it unprompted). With several such sessions it waits (deferred) until one is left; the
   * caller refuses it after a timeout.
   */
  #serverRequest(msg: Message): Action[] {
    const owner = this.#ownerOf(msg);
    if (owner === "ambiguous") {
      this.#deferred.set(msg.id as Id, msg);
      return [{ to: "deferred", msg }];
    }
    if (owner === "none") return [refusal(msg, "no client session caused it")];
    this.#serverReqs.set(msg.id as Id, owner.sid);
    const action: Action = { to: "session", sid: owner.sid, msg, related: owner.related };
    return [owner.inferred ? { ...action, inferred: true } : action];
  }

  /** Routes deferred server requests whose owner became clear. */
  #retryDeferred(): Action[] {
    const out: Action[] = [];
    for (const [key, msg] of this.#deferred) {
      if (this.#ownerOf(msg) === "ambiguous") continue;
      this.#deferred.delete(key);
      out.push(...this.#serverRequest(msg));
    }
    return out;
  }

  /** Refuses a deferred server request that is still ambiguous (the caller's timeout). */
  refuseDeferred(id: Id): Action[] {
    const msg = this.#deferred.get(id);
    if (!msg) return [];
    this.#deferred.delete(id);
    return [refusal(msg, "several client sessions may have caused it")];
  }

  #ownerOf(msg: Message): Owner {
    const meta = metaOf(msg);
    for (const key of RELATED_KEYS) {
      const p = meta?.[key] === undefined ? undefined : this.#pending.get(Number(meta[key]));
      if (p && p.sid !== INTERNAL) return { sid: p.sid, related: p.clientId };
    }
    const t = meta?.progressToken === undefined
      ? undefined
      : this.#tokens.get(String(meta.progressToken));
    if (t) return { sid: t.sid, related: t.clientId };
    let only: Pending | undefined;
    for (const p of this.#pending.values()) {
      if (p.sid === INTERNAL || CANNOT_CAUSE.has(p.method)) continue;
      if (only && only.sid !== p.sid) return "ambiguous";
      if (!only) only = p;
    }
    return only ? { sid: only.sid, related: only.clientId, inferred: true } : "none";
  }

  /** Forgets a session: cancels its upstream requests, answers its server requests, unsubscribes. */
  removeSession(sid: string): Action[] {
    const s = this.#sessions.get(sid);
    if (!s) return [];
    this.#sessions.delete(sid);
    const out: Action[] = [];
    for (const upId of s.pending.values()) {
      const p = this.#pending.get(upId);
      if (p) this.#forget(upId, p);
      out.push(cancelUpstream(upId, "Client session ended"));
    }
    for (const [id, owner] of this.#serverReqs) {
      if (owner !== sid) continue;
      this.#serverReqs.delete(id);
      out.push({
        to: "upstream",
        msg: errorResponse(id, ErrorCode.ConnectionClosed, "Client session ended"),
      });
    }
    for (const [uri, set] of this.#subs) {
      if (!set.delete(sid) || set.size > 0) continue;
      this.#subs.delete(uri);
      const upId = this.#nextId++;
      const method = "resources/unsubscribe";
      this.#pending.set(upId, { sid: INTERNAL, clientId: upId, method, last: this.#now() });
      const msg: Message = {
        jsonrpc: "2.0",
        id: upId,
        method: "resources/unsubscribe",
        params: { uri },
      };
      out.push({ to: "upstream", msg });
    }
    if (this.#deferred.size > 0) out.push(...this.#retryDeferred());
    return out;
  }

  /** Cancels a client's request upstream and forgets it (its client went away). */
  cancel(sid: string, clientId: Id, reason: string): Action[] {
    const upId = this.#sessions.get(sid)?.pending.get(clientId);
    const p = upId === undefined ? undefined : this.#pending.get(upId);
    if (upId === undefined || !p) return [];
    this.#forget(upId, p);
    return [cancelUpstream(upId, reason)];
  }

  /**
   * Times out requests with no answer or progress since `before`: the client gets -32001, the
   * server a cancellation.
   */
  expire(before: number, reason: string): Action[] {
    const out: Action[] = [];
    for (const [upId, p] of this.#pending) {
      if (p.last >= before) continue;
      this.#forget(upId, p);
      out.push(cancelUpstream(upId, reason));
      if (p.sid === INTERNAL) continue;
      const msg = errorResponse(p.clientId, ErrorCode.RequestTimeout, reason);
      out.push({ to: "session", sid: p.sid, msg, related: p.clientId });
    }
    return out;
  }

  /** Fails every pending request (the upstream went away) and forgets all routing state. */
  failAll(reason: string): Action[] {
    const out: Action[] = [];
    for (const p of this.#pending.values()) {
      if (p.sid === INTERNAL) continue;
      const msg = errorResponse(p.clientId, ErrorCode.ConnectionClosed, reason);
      out.push({ to: "session", sid: p.sid, msg, related: p.clientId });
    }
    this.#pending.clear();
    this.#tokens.clear();
    this.#serverReqs.clear();
    this.#deferred.clear();
    this.#subs.clear();
    for (const s of this.#sessions.values()) s.pending.clear();
    return out;
  }
}
