/**
 * Connections that originate inside a pod: a TCP connection from the pod's own IP (source
 * bound, which `Deno.connect` cannot do, hence node:net's `localAddress`), so a netshim'd
 * server in the pod sees it as its loopback (127.0.0.1), as a real kubelet's port-forward
 * dials localhost inside the pod's network namespace.
 *
 * @module
 */

import net from "node:net";

/** A byte stream to a pod port: read with `readable`, write, half-close, close. */
export interface PodConn {
  readonly readable: ReadableStream<Uint8Array>;
  write(data: Uint8Array): Promise<void>;
  /** Ends our side (TCP FIN); the pod can still answer. */
  closeWrite(): Promise<void>;
  close(): void;
}

function wrap(sock: net.Socket): PodConn {
  const readable = new ReadableStream<Uint8Array>({
    start(ctl) {
      sock.on("data", (d: Uint8Array) => {
        ctl.enqueue(new Uint8Array(d));
        if ((ctl.desiredSize ?? 0) <= 0) sock.pause();
      });
      sock.on("end", () => ctl.close());
      sock.on("error", (e) => ctl.error(e));
    },
    pull() {
      sock.resume();
    },
    cancel() {
      sock.destroy();
    },
  }, { highWaterMark: 4 });
  return {
    readable,
    write: (data) =>
      new Promise((resolve, reject) => sock.write(data, (e) => e ? reject(e) : resolve())),
    closeWrite: () => new Promise((resolve) => sock.end(() => resolve())),
    close: () => sock.destroy(),
  };
}

/** Connects to `podIP:port` from `podIP` (an ephemeral port on the pod's address). */
export function dialFromPod(podIP: string, port: number): Promise<PodConn> {
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: podIP, port, localAddress: podIP, allowHalfOpen: true });
    sock.once("connect", () => {
      sock.off("error", reject);
      resolve(wrap(sock));
    });
    sock.once("error", reject);
  });
}
