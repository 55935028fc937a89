/**
 * The request-head deadline beside `Deno.serve`, off its data path: the handler notes which
 * connection (client port) had a request and when its response was sent; a sweep reads the
 * kernel's view of the listening port's sockets and ends those reading a head for too long
 * (408, then shutdown). The check itself is {@linkcode headCheck}.
 */
import { HEAD_TIMEOUT, headCheck, type SeenState, type ServedState } from "./head.ts";
import type { SocketWatch } from "./socket_watch.ts";
import type { GuardedServeOptions, GuardedServer } from "./serve.ts";

/** Serves `handler` with plain `Deno.serve` and ends slow-head sockets through `watch`. */
export function serveWatched(
  options: GuardedServeOptions,
  handler: Deno.ServeHandler<Deno.NetAddr>,
  watch: SocketWatch,
): GuardedServer {
  const { hostname, port, headerTimeoutMs: timeoutMs, onListen, onError } = options;
  const served = new Map<number, ServedState>();
  const seen = new Map<string, SeenState>();
  const server = Deno.serve(
    { hostname, port, onListen: onListen ?? (() => {}), onError },
    (req, info) => {
      let s = served.get(info.remoteAddr.port);
      if (!s) served.set(info.remoteAddr.port, s = { requests: 0, open: 0, doneAt: 0 });
      const state = s;
      state.requests++;
      state.open++;
      const done = () => {
        state.open--;
        state.doneAt = performance.now();
      };
      info.completed.then(done, done);
      return handler(req, info);
    },
  );
  const sweep = () => {
    const now = performance.now();
    const sockets = watch.list(server.addr.port);
    const live = new Set<string>();
    const ports = new Set<number>();
    for (const sock of sockets) {
      live.add(sock.id);
      ports.add(sock.remotePort);
      const before = seen.get(sock.id) ?? { firstSeen: now };
      const observed = { bytesReceived: sock.bytesReceived, now, timeoutMs };
      const check = headCheck(served.get(sock.remotePort), before, observed);
      seen.set(sock.id, check.seen);
      if (check.late) watch.end(sock, HEAD_TIMEOUT);
    }
    for (const id of seen.keys()) if (!live.has(id)) seen.delete(id);
    for (const [p, s] of served) if (!ports.has(p) && s.open === 0) served.delete(p);
  };
  const timer = setInterval(sweep, Math.min(1000, Math.max(50, timeoutMs / 10)));
  Deno.unrefTimer(timer);
  return {
    addr: server.addr,
    guard: "watch",
    finished: server.finished,
    async shutdown() {
      clearInterval(timer);
      await server.shutdown();
    },
  };
}
