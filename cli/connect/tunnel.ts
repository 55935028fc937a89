/**
 * A local TCP listener on 127.0.0.1 whose connections are forwarded to a pod port through the
 * API server (one port-forward WebSocket per TCP connection). The target pod can
 * be changed while it runs; new connections then go to the new pod.
 */

import type { ClusterAccess } from "../../lib/kube/mod.ts";
import { createServer, type Server, type Socket } from "node:net";
import { forwardSocket } from "./port_forward.ts";

/** A running tunnel. */
export interface Tunnel {
  /** The local port it listens on. */
  readonly port: number;
  /** Sends new connections to another pod (after the old one was replaced). */
  retarget(podName: string): void;
  /** The pod connections currently go to. */
  readonly podName: string;
  /** Stops listening and closes every forwarded connection. */
  close(): Promise<void>;
}

/** Options of {@linkcode openTunnel}. */
export interface TunnelOptions {
  namespace: string;
  podName: string;
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

/** Opens a tunnel from 127.0.0.1:localPort to `podName:remotePort`. */
export async function openTunnel(access: ClusterAccess, opts: TunnelOptions): Promise<Tunnel> {
  let podName = opts.podName;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.pause();
    const target = { namespace: opts.namespace, podName, port: opts.remotePort };
    forwardSocket(access, target, socket, (err) => opts.onError?.(err))
      .then(() => socket.resume())
      .catch((err) => {
        opts.onError?.(err);
        socket.destroy();
      });
  });
  const port = await listen(server, opts.localPort ?? 0);
  return {
    port,
    get podName() {
      return podName;
    },
    retarget(name: string) {
      podName = name;
    },
    close() {
      for (const s of sockets) s.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
