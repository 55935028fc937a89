import assert from "node:assert/strict";
import { claimIpRange } from "./ip_claim.ts";
import { servePortForward } from "./stream_portforward.ts";

/** Opens client-node's style of port-forward: `?ports=P`, channel 0 data, channel 1 errors. */
async function forward(api: number, port: number) {
  const ws = new WebSocket(`ws://127.0.0.1:${api}/portforward?ports=${port}`, [
    "v4.channel.k8s.io",
  ]);
  ws.binaryType = "arraybuffer";
  const got: { channel: number; data: Uint8Array }[] = [];
  const closed = new Promise<void>((r) => ws.addEventListener("close", () => r()));
  ws.onmessage = (ev) => {
    const b = new Uint8Array(ev.data);
    got.push({ channel: b[0], data: b.subarray(1) });
  };
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = reject;
  });
  return { ws, got, closed };
}

const text = (msgs: { data: Uint8Array }[]) =>
  msgs.map((m) => new TextDecoder().decode(m.data)).join("");

Deno.test("servePortForward() forwards a channel WebSocket to podIP:port from podIP and reports refusals", async () => {
  const ac = new AbortController();
  const range = claimIpRange();
  const podIP = `${range.prefix}.9`;
  const pod = Deno.serve(
    { hostname: podIP, port: 0, signal: ac.signal, onListen() {} },
    (_req, info) => new Response(`hello ${info.remoteAddr.hostname}`),
  );
  const api = Deno.serve(
    { hostname: "127.0.0.1", port: 0, signal: ac.signal, onListen() {} },
    (req) => servePortForward(req, podIP),
  );
  try {
    const ok = await forward(api.addr.port, pod.addr.port);
    const req = "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    ok.ws.send(new Uint8Array([0, ...new TextEncoder().encode(req)]));
    await ok.closed;
    const lo = pod.addr.port & 0xff, hi = pod.addr.port >> 8;
    assert.deepEqual(ok.got.slice(0, 2).map((m) => [m.channel, ...m.data]), [[0, lo, hi], [
      1,
      lo,
      hi,
    ]]);
    assert.match(
      text(ok.got.slice(2).filter((m) => m.channel === 0)),
      new RegExp(`^HTTP/1\\.1 200 OK[\\s\\S]*hello ${podIP.replaceAll(".", "\\.")}$`),
      "the connection comes from the pod's own IP",
    );

    const refused = await forward(api.addr.port, 1);
    await refused.closed;
    assert.match(
      text(refused.got.slice(2).filter((m) => m.channel === 1)),
      /error forwarding port 1/,
    );
  } finally {
    ac.abort();
    await Promise.all([pod.finished, api.finished]);
    range.release();
  }
});
