/**
 * The Kubernetes WebSocket channel protocol of exec, attach and port-forward: the first byte
 * of every binary message names the channel (0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize,
 * 255 close).
 *
 * @module
 */

/** Channel numbers. */
export const Channel = { stdin: 0, stdout: 1, stderr: 2, status: 3, resize: 4, close: 255 };

/** Subprotocols for exec/attach, most preferred first. */
export const CHANNEL_PROTOCOLS = [
  "v5.channel.k8s.io",
  "v4.channel.k8s.io",
  "v3.channel.k8s.io",
  "v2.channel.k8s.io",
  "channel.k8s.io",
];

/** The subprotocol kubectl uses for port-forward over WebSocket (raw SPDY inside). */
export const SPDY_PORTFORWARD_PROTOCOL = "SPDY/3.1+portforward.k8s.io";

/** Picks our most preferred protocol among the offered `Sec-WebSocket-Protocol` values. */
export function chooseProtocol(offered: string | null, supported: string[]): string | undefined {
  const list = (offered ?? "").split(",").map((s) => s.trim()).filter((s) => s.length > 0);
  return supported.find((p) => list.includes(p));
}

/** Prefixes `data` with its channel byte. */
export function encodeChannel(channel: number, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(data.length + 1);
  out[0] = channel;
  out.set(data, 1);
  return out;
}

/** Splits a message into its channel and payload. */
export function decodeChannel(msg: Uint8Array): { channel: number; data: Uint8Array } {
  return { channel: msg[0] ?? -1, data: msg.subarray(1) };
}

/** A Kubernetes Status object. */
export interface KubeStatus {
  kind?: string;
  apiVersion?: string;
  metadata: Record<string, never>;
  status: "Success" | "Failure";
  message?: string;
  reason?: string;
  details?: { causes?: { reason: string; message: string }[] };
  code?: number;
}

/** The channel-3 status ending an exec: Success, or NonZeroExitCode with the code. */
export function exitStatus(code: number): KubeStatus {
  if (code === 0) return { metadata: {}, status: "Success" };
  return {
    metadata: {},
    status: "Failure",
    message:
      `command terminated with non-zero exit code: error executing command, exit status ${code}`,
    reason: "NonZeroExitCode",
    details: { causes: [{ reason: "ExitCode", message: String(code) }] },
  };
}

/** A Failure status for an error before or during a stream. */
export function failureStatus(code: number, reason: string, message: string): KubeStatus {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    code,
  };
}

/** A JSON Response carrying a Failure status. */
export function statusResponse(code: number, reason: string, message: string): Response {
  return new Response(JSON.stringify(failureStatus(code, reason, message)), {
    status: code,
    headers: { "content-type": "application/json" },
  });
}

/** The 2-byte little-endian port prefix of client-node's port-forward channels. */
export function portPrefix(channel: number, port: number): Uint8Array {
  return new Uint8Array([channel, port & 0xff, (port >> 8) & 0xff]);
}
