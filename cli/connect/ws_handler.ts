/**
 * The WebSocket dialer client-node's PortForward uses, offering exactly one subprotocol:
 * `v4.channel.k8s.io`, the binary channel protocol the kubelet's port-forward speaks.
 * client-node's own handler offers v5…v1 as one comma-joined header, which a server built on
 * `Deno.upgradeWebSocket` (the test harness) cannot accept.
 */

import type { KubeConfig } from "@kubernetes/client-node";
import { Buffer } from "node:buffer";
import WebSocket from "isomorphic-ws";

/** The subprotocol offered for port-forward. */
export const PORT_FORWARD_PROTOCOL = "v4.channel.k8s.io";

type BinaryHandler = ((stream: number, buff: Buffer) => boolean) | null;

/** A client-node `WebSocketInterface` with a single subprotocol. */
export class PortForwardDialer {
  #kc: KubeConfig;

  /** Dials with the credentials and TLS settings of `kc`'s current context. */
  constructor(kc: KubeConfig) {
    this.#kc = kc;
  }

  /** Opens `path` on the API server; binary frames go to `binaryHandler(channel, data)`. */
  async connect(
    path: string,
    _textHandler: ((text: string) => boolean) | null,
    binaryHandler: BinaryHandler,
  ): Promise<WebSocket.WebSocket> {
    const server = this.#kc.getCurrentCluster()?.server;
    if (!server) throw new Error("Cannot port-forward: the kubeconfig has no current cluster");
    const uri = server.replace(/^http/, "ws").replace(/\/$/, "") + path;
    const opts: WebSocket.ClientOptions = {};
    await this.#kc.applyToHTTPSOptions(opts);
    return await new Promise((resolve, reject) => {
      const ws = new WebSocket(uri, [PORT_FORWARD_PROTOCOL], opts);
      let open = false;
      ws.onopen = () => {
        open = true;
        resolve(ws);
      };
      ws.onerror = (err: { error?: unknown; message?: string }) => {
        if (!open) reject(err.error ?? new Error(err.message ?? "WebSocket error"));
      };
      ws.onmessage = ({ data }: { data: unknown }) => {
        if (!(data instanceof Buffer) || data.length === 0) return;
        if (binaryHandler && !binaryHandler(data.readUint8(0), data.subarray(1))) ws.close();
      };
    });
  }
}
