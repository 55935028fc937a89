/**
 * Port-forward of one TCP connection through the API server: a WebSocket to
 * `…/pods/NAME/portforward?ports=P` speaking `v4.channel.k8s.io` (channel 0 data, channel 1
 * errors, each channel's first frame starting with the port as 2 bytes little-endian).
 *
 * The framing is client-node's PortForward's; the plugin carries its own copy because that
 * module references client-node's generated API classes, and with them ~17 MB of model
 * classes would load at start-up of every command. Credentials and TLS come from lib/kube's
 * ClusterAccess (the same as every REST call). Offering exactly one subprotocol also suits servers built on
 * `Deno.upgradeWebSocket` (the test harness), which reject client-node's comma-joined list.
 */

import { Buffer } from "node:buffer";
import type { Socket } from "node:net";
import WebSocket from "isomorphic-ws";
import { type ClusterAccess, resourcePath, RESOURCES } from "../../lib/kube/mod.ts";

/** The subprotocol offered. */
export const PORT_FORWARD_PROTOCOL = "v4.channel.k8s.io";

/** Where a forward goes. */
export interface ForwardTarget {
  namespace: string;
  podName: string;
  port: number;
}

/** The WebSocket URL of a pod's port-forward endpoint on `server`. */
export function portForwardUrl(server: string, t: ForwardTarget): string {
  const base = server.replace(/^http/, "ws").replace(/\/$/, "");
  const path = resourcePath(RESOURCES.pods, t.namespace, t.podName, "portforward");
  return `${base}${path}?ports=${t.port}`;
}

/** Splits port-forward frames: strips each channel's port prefix once, then routes payloads. */
export function createDemux(onData: (b: Uint8Array) => void, onError: (text: string) => void) {
  const prefixSeen = [false, false];
  return (frame: Uint8Array) => {
    if (frame.length === 0) return;
    const channel = frame[0];
    let payload = frame.subarray(1);
    if (channel > 1) return;
    if (!prefixSeen[channel]) {
      prefixSeen[channel] = true;
      payload = payload.subarray(2);
    }
    if (payload.length === 0) return;
    if (channel === 0) onData(payload);
    else onError(new TextDecoder().decode(payload));
  };
}

/**
 * Forwards `socket` to the pod; resolves once the WebSocket is open. When it cannot open, it
 * rejects and leaves `socket` untouched (the caller may try another pod).
 */
export async function forwardSocket(
  access: ClusterAccess,
  target: ForwardTarget,
  socket: Socket,
  onError: (err: unknown) => void,
): Promise<void> {
  const opts: WebSocket.ClientOptions = {
    headers: await access.headers(),
    ca: access.caPem,
    cert: access.certPem,
    key: access.keyPem,
    rejectUnauthorized: access.insecure !== true,
  };
  const ws = new WebSocket(portForwardUrl(access.server, target), [PORT_FORWARD_PROTOCOL], opts);
  const demux = createDemux(
    (b) => socket.write(b),
    (text) => onError(new Error(text)),
  );
  let opened = false;
  ws.onmessage = ({ data }: { data: unknown }) => {
    if (data instanceof Uint8Array) demux(data);
  };
  ws.onclose = () => opened && socket.end();
  await new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve();
    ws.onerror = (err: { error?: unknown; message?: string }) => {
      reject(err.error ?? new Error(err.message ?? "WebSocket error"));
    };
  });
  opened = true;
  if (socket.destroyed) return ws.close();
  ws.onerror = (err: { error?: unknown; message?: string }) => onError(err.error ?? err);
  socket.on("data", (chunk: Buffer) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(Buffer.concat([Buffer.from([0]), chunk]));
  });
  socket.on("close", () => ws.close());
}
