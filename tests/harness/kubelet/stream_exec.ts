/**
 * `exec` and `attach` over WebSocket with the Kubernetes channel protocols (v5 … v1):
 * stdin on channel 0, stdout 1, stderr 2, a Status on 3, resize 4 (ignored), close 255.
 *
 * @module
 */

import {
  Channel,
  CHANNEL_PROTOCOLS,
  chooseProtocol,
  decodeChannel,
  encodeChannel,
  exitStatus,
  failureStatus,
  type KubeStatus,
  statusResponse,
} from "./channel.ts";
import type { PodWorker } from "./pod_worker.ts";
import { pickContainer } from "./stream_log.ts";
import type { Pod } from "./types.ts";
import { queryBool } from "../apiserver/query_bool.ts";

const enc = new TextEncoder();

/** Upgrades a request to a channel WebSocket, or returns the error Response. */
export function upgradeChannels(
  req: Request,
): { socket: WebSocket; response: Response } | Response {
  if (req.headers.get("upgrade")?.toLowerCase() !== "websocket") {
    return statusResponse(400, "BadRequest", "Upgrade request required");
  }
  const protocol = chooseProtocol(req.headers.get("sec-websocket-protocol"), CHANNEL_PROTOCOLS);
  if (!protocol) {
    return statusResponse(400, "BadRequest", "no supported subprotocol (want v5.channel.k8s.io)");
  }
  return upgradeWith(req, protocol);
}

/**
 * Upgrades with `protocol` already chosen. Deno's own negotiation splits the offer on ", "
 * only, and client-node's `ws` sends "a,b,c"; so the header is set here.
 */
export function upgradeWith(
  req: Request,
  protocol: string,
): { socket: WebSocket; response: Response } {
  const up = Deno.upgradeWebSocket(req);
  up.response.headers.set("sec-websocket-protocol", protocol);
  up.socket.binaryType = "arraybuffer";
  return up;
}

/** The container a request names and a channel WebSocket to it, or the error Response. */
function openContainerChannels(req: Request, pod: Pod, worker: PodWorker | undefined) {
  const q = new URL(req.url).searchParams;
  const picked = pickContainer(pod, worker, q.get("container"));
  if (picked instanceof Response) return picked;
  const up = upgradeChannels(req);
  if (up instanceof Response) return up;
  return { q, picked, ...up };
}

function opened(socket: WebSocket): Promise<void> {
  if (socket.readyState === WebSocket.OPEN) return Promise.resolve();
  return new Promise((resolve) => socket.addEventListener("open", () => resolve(), { once: true }));
}

function send(socket: WebSocket, channel: number, data: Uint8Array) {
  if (socket.readyState === WebSocket.OPEN) socket.send(encodeChannel(channel, data));
}

function finish(socket: WebSocket, status: KubeStatus) {
  send(socket, Channel.status, enc.encode(JSON.stringify(status)));
  if (socket.readyState === WebSocket.OPEN) socket.close(1000);
}

async function pump(stream: ReadableStream<Uint8Array> | null, socket: WebSocket, ch: number) {
  if (!stream) return;
  try {
    for await (const chunk of stream) send(socket, ch, chunk);
  } catch {
    // the process went away
  }
}

/** Serves `…/exec?command=…&container=…&stdin=…`. */
export function serveExec(req: Request, pod: Pod, worker: PodWorker | undefined): Response {
  const channels = openContainerChannels(req, pod, worker);
  if (channels instanceof Response) return channels;
  const { q, picked, socket, response } = channels;
  const command = q.getAll("command");
  const child = picked.runner?.exec(command, {
    stdin: queryBool(q, "stdin"),
    stdout: "piped",
    stderr: "piped",
  });
  // Listen at once: a client may send stdin as soon as the socket opens.
  const writer = child && queryBool(q, "stdin") ? child.stdin.getWriter() : undefined;
  socket.addEventListener("message", (ev) => {
    if (!(ev.data instanceof ArrayBuffer)) return;
    const { channel, data } = decodeChannel(new Uint8Array(ev.data));
    if (channel === Channel.stdin && data.length > 0) writer?.write(data).catch(() => {});
    if (channel === Channel.close && data[0] === Channel.stdin) writer?.close().catch(() => {});
  });
  (async () => {
    await opened(socket);
    if (!child) {
      const msg = `container ${picked.name} is not running in pod ${pod.metadata.name}`;
      finish(socket, failureStatus(500, "InternalError", msg));
      return;
    }
    let done = false;
    socket.addEventListener("close", () => {
      if (done) return;
      try {
        Deno.kill(-child.pid, "SIGKILL"); // the client went away mid-command
      } catch { /* ended */ }
    });
    const pumps = Promise.all([pump(child.stdout, socket, 1), pump(child.stderr, socket, 2)]);
    const { code } = await child.status;
    // A background child may keep the pipes open: drain briefly, then end like a runtime does.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([pumps, new Promise((r) => timer = setTimeout(r, 300))]);
    clearTimeout(timer);
    await child.stdout.cancel().catch(() => {});
    await child.stderr.cancel().catch(() => {});
    await writer?.close().catch(() => {});
    done = true;
    finish(socket, exitStatus(code));
  })().catch(() => socket.close());
  return response;
}

/** Serves `…/attach?container=…&stdin=…&stdout=…`: the running process's own streams. */
export function serveAttach(req: Request, pod: Pod, worker: PodWorker | undefined): Response {
  const channels = openContainerChannels(req, pod, worker);
  if (channels instanceof Response) return channels;
  const { q, picked, socket, response } = channels;
  const proc = picked.runner?.process;
  socket.addEventListener("message", (ev) => {
    if (!(ev.data instanceof ArrayBuffer) || !queryBool(q, "stdin")) return;
    const { channel, data } = decodeChannel(new Uint8Array(ev.data));
    if (channel === Channel.stdin && data.length > 0) proc?.writeStdin(data);
    const once = picked.runner?.spec.stdinOnce ?? false;
    if (channel === Channel.close && data[0] === Channel.stdin && once) proc?.closeStdin();
  });
  (async () => {
    await opened(socket);
    if (!proc?.running) {
      const msg = `container ${picked.name} is not running in pod ${pod.metadata.name}`;
      finish(socket, failureStatus(500, "InternalError", msg));
      return;
    }
    const off = proc.onOutput((stream, bytes) => {
      if (stream === "stdout" && queryBool(q, "stdout", true)) send(socket, 1, bytes);
      if (stream === "stderr" && queryBool(q, "stderr", true)) send(socket, 2, bytes);
    });
    const closed = new Promise<void>((r) => socket.addEventListener("close", () => r()));
    const ended = await Promise.race([proc.exited.then(() => true), closed.then(() => false)]);
    off();
    if (ended) finish(socket, exitStatus(0));
  })().catch(() => socket.close());
  return response;
}
