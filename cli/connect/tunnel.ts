/**
 * A local TCP listener on 127.0.0.1 whose connections are forwarded to a pod port through the
 * API server (one port-forward WebSocket per TCP connection). Each new connection asks
 * `target()` for its pod (which may wake the server and wait); the socket is held paused
 * meanwhile, and a forward that fails to open is tried once more with a fresh target.
 */

import type { ClusterAccess } from "../../lib/kube/mod.ts";
import { createServer, type Server, type Socket } from "node:net";
import { forwardSocket } from "./port_forward.ts";

/** A running tunnel. */
export interface Tunnel {
  /** The local port it listens on. */
  readonly port: number;
  /** Stops listening and closes every forwarded connection. */
  close(): Promise<void>;
}

/** Options of {@linkcode openTunnel}. */
export interface TunnelOptions {
  namespace: string;
  /** The pod a new connection goes to (may wait for one). */
  target: () => Promise<string>;
  /** Port in the pod. */
  remotePort: number;
  /** Local port; 0 = any free one. */
  localPort?: number;
  /** Called when forwarding one connection fails. */
  onError?: (err: unknown) => void;
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", reject);
      const addr = server.address();
      resolve(typeof addr === "object" && addr ? addr.port : port);
    });
  });
}

/** Opens a tunnel from 127.0.0.1:localPort to `target():remotePort`. */
export async function openTunnel(access: ClusterAccess, opts: TunnelOptions): Promise<Tunnel> {
  const sockets = new Set<Socket>();
  const forward = async (socket: Socket) => {
    const to = async () => ({
      namespace: opts.namespace,
      podName: await opts.target(),
      port: opts.remotePort,
    });
    const onError = (err: unknown) => opts.onError?.(err);
    try {
      await forwardSocket(access, await to(), socket, onError);
    } catch {
      if (socket.destroyed) return;
      await forwardSocket(access, await to(), socket, onError);
    }
  };
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.pause();
    forward(socket).then(() => socket.resume(), (err) => {
      opts.onError?.(err);
      socket.destroy();
    });
  });
  const port = await listen(server, opts.localPort ?? 0);
  return {
    port,
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
