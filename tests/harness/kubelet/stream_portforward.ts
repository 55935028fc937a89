/**
 * `portforward`: kubectl's SPDY/3.1 over WebSocket (`SPDY/3.1+portforward.k8s.io`; per
 * forwarded connection an error stream and a data stream) and client-node's channel
 * WebSocket (`?ports=P`, data on channel 0, errors on 1, a 2-byte port prefix first).
 * Each forwarded connection is a TCP connection to podIP:port from the pod's own IP (see
 * pod_dial.ts), so a netshim'd server in the pod sees it on its loopback (127.0.0.1), as with
 * a real kubelet, whose port-forward dials localhost inside the pod's network namespace.
 *
 * @module
 */

import {
  Channel,
  CHANNEL_PROTOCOLS,
  chooseProtocol,
  decodeChannel,
  encodeChannel,
  portPrefix,
  SPDY_PORTFORWARD_PROTOCOL,
  statusResponse,
} from "./channel.ts";
import { dialFromPod, type PodConn } from "./pod_dial.ts";
import { upgradeWith } from "./stream_exec.ts";
import {
  encodeData,
  FLAG_FIN,
  type Frame,
  FrameReader,
  FrameType,
  goAway,
  HeaderCompressor,
  HeaderDecompressor,
  parseSynStream,
  ping,
  streamIdOf,
  synReply,
} from "./spdy.ts";

const enc = new TextEncoder();

interface Forward {
  port: number;
  dataId?: number;
  errorId?: number;
  conn?: Promise<PodConn | undefined>;
  closed: boolean;
}

/** One SPDY connection carried in a WebSocket. */
class SpdyPortForward {
  #reader = new FrameReader();
  #dec = new HeaderDecompressor();
  #comp = new HeaderCompressor();
  #byRequest = new Map<string, Forward>();
  #byStream = new Map<number, Forward>();
  #lastStream = 0;

  constructor(private socket: WebSocket, private podIP: string) {
    socket.addEventListener("message", (ev) => {
      if (!(ev.data instanceof ArrayBuffer)) return;
      this.#reader.push(new Uint8Array(ev.data));
      try {
        for (let f = this.#reader.next(); f; f = this.#reader.next()) this.#frame(f);
      } catch {
        this.#send(goAway(this.#lastStream, 1));
        socket.close();
      }
    });
    socket.addEventListener("close", () => {
      for (const fw of this.#byRequest.values()) this.#closeForward(fw, false);
    });
  }

  #send(bytes: Uint8Array) {
    if (this.socket.readyState === WebSocket.OPEN) this.socket.send(bytes);
  }

  #frame(f: Frame) {
    if (f.kind === "data") {
      const fw = this.#byStream.get(f.streamId);
      if (!fw || f.streamId !== fw.dataId) return;
      const data = f.data, fin = (f.flags & FLAG_FIN) !== 0;
      fw.conn = fw.conn?.then(async (c) => {
        if (c && data.length > 0) await c.write(data).catch(() => this.#closeForward(fw, true));
        if (c && fin) await c.closeWrite().catch(() => {});
        return c;
      });
      return;
    }
    switch (f.type) {
      case FrameType.SynStream:
        return this.#synStream(f.payload);
      case FrameType.Ping:
        return this.#send(ping(f.payload));
      case FrameType.RstStream: {
        const fw = this.#byStream.get(streamIdOf(f.payload));
        if (fw) this.#closeForward(fw, false);
        return;
      }
      case FrameType.GoAway:
        return this.socket.close();
    }
  }

  #synStream(payload: Uint8Array) {
    const { streamId, headerBlock } = parseSynStream(payload);
    const h = this.#dec.decode(headerBlock);
    this.#lastStream = Math.max(this.#lastStream, streamId);
    this.#send(synReply(streamId, {}, this.#comp));
    const requestId = h.requestid ?? String(streamId);
    let fw = this.#byRequest.get(requestId);
    if (!fw) {
      fw = { port: Number(h.port), closed: false };
      this.#byRequest.set(requestId, fw);
    }
    this.#byStream.set(streamId, fw);
    if (h.streamtype === "error") fw.errorId = streamId;
    if (h.streamtype === "data") {
      fw.dataId = streamId;
      this.#connect(fw);
    }
  }

  #connect(fw: Forward) {
    fw.conn = dialFromPod(this.podIP, fw.port).then((c) => {
      this.#pumpOut(fw, c);
      return c;
    }, (e) => {
      const msg = `error forwarding port ${fw.port} to pod: ${(e as Error).message}`;
      if (fw.errorId !== undefined) this.#send(encodeData(fw.errorId, enc.encode(msg)));
      this.#closeForward(fw, true);
      return undefined;
    });
  }

  async #pumpOut(fw: Forward, c: PodConn) {
    try {
      for await (const chunk of c.readable) {
        if (fw.closed) break;
        this.#send(encodeData(fw.dataId!, chunk));
      }
    } catch {
      // connection reset
    }
    this.#closeForward(fw, true);
  }

  #closeForward(fw: Forward, sendFin: boolean) {
    if (fw.closed) return;
    fw.closed = true;
    if (sendFin) {
      if (fw.dataId !== undefined) this.#send(encodeData(fw.dataId, new Uint8Array(), true));
      if (fw.errorId !== undefined) this.#send(encodeData(fw.errorId, new Uint8Array(), true));
    }
    fw.conn?.then((c) => {
      try {
        c?.close();
      } catch { /* closed */ }
    });
    for (const [id, f] of this.#byStream) if (f === fw) this.#byStream.delete(id);
    for (const [id, f] of this.#byRequest) if (f === fw) this.#byRequest.delete(id);
  }
}

function channelForward(socket: WebSocket, podIP: string, port: number) {
  let conn: Promise<PodConn | undefined> = Promise.resolve(undefined);
  let closed = false;
  const close = () => {
    if (closed) return;
    closed = true;
    conn.then((c) => {
      try {
        c?.close();
      } catch { /* closed */ }
    });
    if (socket.readyState === WebSocket.OPEN) socket.close(1000);
  };
  socket.addEventListener("open", () => {
    socket.send(portPrefix(0, port));
    socket.send(portPrefix(1, port));
    conn = dialFromPod(podIP, port).then((c) => {
      (async () => {
        try {
          for await (const chunk of c.readable) {
            if (closed) break;
            if (socket.readyState === WebSocket.OPEN) socket.send(encodeChannel(0, chunk));
          }
        } catch { /* reset */ }
        close();
      })();
      return c;
    }, (e) => {
      const msg = `error forwarding port ${port} to pod: ${(e as Error).message}`;
      if (socket.readyState === WebSocket.OPEN) socket.send(encodeChannel(1, enc.encode(msg)));
      close();
      return undefined;
    });
  });
  socket.addEventListener("message", (ev) => {
    if (!(ev.data instanceof ArrayBuffer)) return;
    const { channel, data } = decodeChannel(new Uint8Array(ev.data));
    conn = conn.then(async (c) => {
      if (c && channel === 0 && data.length > 0) await c.write(data).catch(close);
      if (c && channel === Channel.close && data[0] === 0) await c.closeWrite().catch(() => {});
      return c;
    });
  });
  socket.addEventListener("close", close);
}

/** Serves `…/portforward` for a pod at `podIP`. */
export function servePortForward(req: Request, podIP: string | undefined): Response {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return statusResponse(400, "BadRequest", "Upgrade request required");
  }
  if (!podIP) return statusResponse(400, "BadRequest", "pod is not running on the node");
  const offered = req.headers.get("sec-websocket-protocol");
  if (chooseProtocol(offered, [SPDY_PORTFORWARD_PROTOCOL])) {
    const { socket, response } = upgradeWith(req, SPDY_PORTFORWARD_PROTOCOL);
    new SpdyPortForward(socket, podIP);
    return response;
  }
  const protocol = chooseProtocol(offered, CHANNEL_PROTOCOLS);
  const port = Number(new URL(req.url).searchParams.get("ports")?.split(",")[0]);
  if (!protocol || !Number.isInteger(port) || port <= 0) {
    return statusResponse(400, "BadRequest", "port-forward needs ?ports=P or SPDY/3.1 framing");
  }
  const { socket, response } = upgradeWith(req, protocol);
  channelForward(socket, podIP, port);
  return response;
}
