/**
 * A local TCP listener on 127.0.0.1 whose connections are forwarded to a pod port through the
 * API server (client-node's PortForward: one WebSocket per TCP connection). The target pod can
 * be changed while it runs; new connections then go to the new pod.
 */

import { type KubeConfig, PortForward } from "@kubernetes/client-node";
import { createServer, type Server, type Socket } from "node:net";
import { PortForwardDialer } from "./ws_handler.ts";

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
export async function openTunnel(kc: KubeConfig, opts: TunnelOptions): Promise<Tunnel> {
  const forward = new PortForward(kc, true, new PortForwardDialer(kc));
  let podName = opts.podName;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
    socket.pause();
    forward.portForward(opts.namespace, podName, [opts.remotePort], socket, null, socket)
      .then((ws) => {
        const conn = typeof ws === "function" ? ws() : ws;
        conn?.on("close", () => socket.end());
        conn?.on("error", () => socket.destroy());
        socket.on("close", () => conn?.close());
        socket.resume();
      })
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
