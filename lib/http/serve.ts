/**
 * `Deno.serve` with a request-head deadline. Deno's HTTP server has no header read timeout (a
 * socket dripping one header line every 2 s stays open for good), Deno 2 cannot serve HTTP on an
 * accepted `Deno.Conn`, and `node:http`'s `headersTimeout` is not enforced (a dripping head
 * stayed open 8 s past a 2 s setting). On Linux the deadline is kept beside the server through
 * the kernel's view of its sockets (`head_watch.ts`, no cost per request); elsewhere a TCP front
 * pipes every connection (`front_proxy.ts`).
 */
import { serveFronted } from "./front_proxy.ts";
import { serveWatched } from "./head_watch.ts";
import { openSocketWatch } from "./socket_watch.ts";

/** Options of {@linkcode serveGuarded}. */
export interface GuardedServeOptions {
  hostname: string;
  port: number;
  /** Longest a request head may take to arrive, in ms; 0 serves with plain `Deno.serve`. */
  headerTimeoutMs: number;
  /** Largest first request head in bytes (431 above; front only). Default 65536. */
  maxHeadBytes?: number;
  /** `watch` (Linux, default where available) or `front` (portable, every byte piped). */
  mode?: "watch" | "front";
  onListen?: (addr: Deno.NetAddr) => void;
  onError?: (error: unknown) => Response | Promise<Response>;
}

/** What {@linkcode serveGuarded} returns: the part of `Deno.HttpServer` callers use. */
export interface GuardedServer {
  readonly addr: Deno.NetAddr;
  /** How the head deadline is kept: beside the server, by a piping front, or not at all. */
  readonly guard: "watch" | "front" | "none";
  readonly finished: Promise<void>;
  shutdown(): Promise<void>;
}

/** Serves `handler` on hostname:port, cutting off clients whose request head is too slow. */
export function serveGuarded(
  options: GuardedServeOptions,
  handler: Deno.ServeHandler<Deno.NetAddr>,
): GuardedServer {
  const { hostname, port, headerTimeoutMs, onListen, onError } = options;
  if (headerTimeoutMs <= 0) {
    const server = Deno.serve(
      { hostname, port, onListen: onListen ?? (() => {}), onError },
      handler,
    );
    return Object.assign(server, { guard: "none" as const });
  }
  const watch = options.mode === "front" ? null : openSocketWatch();
  return watch ? serveWatched(options, handler, watch) : serveFronted(options, handler);
}
