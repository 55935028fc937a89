import assert from "node:assert/strict";
import { createDemux, portForwardUrl } from "./port_forward.ts";

Deno.test("createDemux() strips each channel's port prefix once and routes by channel", () => {
  const data: string[] = [];
  const errors: string[] = [];
  const demux = createDemux((b) => data.push(new TextDecoder().decode(b)), (t) => errors.push(t));
  const enc = (s: string) => new TextEncoder().encode(s);
  demux(new Uint8Array([0, 0x90, 0x1f]));
  demux(new Uint8Array([1, 0x90, 0x1f]));
  demux(new Uint8Array([0, ...enc("hello")]));
  demux(new Uint8Array([0, ...enc("\x90\x1fworld")]));
  demux(new Uint8Array([1, ...enc("boom")]));
  demux(new Uint8Array([3, 1, 2]));
  assert.deepEqual(data, ["hello", "\x90\x1fworld"]);
  assert.deepEqual(errors, ["boom"]);
});

Deno.test("portForwardUrl() turns the server URL into the pod's WebSocket endpoint", () => {
  const t = { namespace: "ns", podName: "p", port: 8080 };
  assert.equal(
    portForwardUrl("https://127.0.0.1:6443/", t),
    "wss://127.0.0.1:6443/api/v1/namespaces/ns/pods/p/portforward?ports=8080",
  );
  assert.equal(portForwardUrl("http://h", t).slice(0, 8), "ws://h/a");
});
