import assert from "node:assert/strict";
import {
  CHANNEL_PROTOCOLS,
  chooseProtocol,
  decodeChannel,
  encodeChannel,
  exitStatus,
  portPrefix,
} from "./channel.ts";

Deno.test("chooseProtocol() picks the newest channel protocol offered", () => {
  assert.equal(
    chooseProtocol("channel.k8s.io, v4.channel.k8s.io,v5.channel.k8s.io", CHANNEL_PROTOCOLS),
    "v5.channel.k8s.io",
  );
  assert.equal(chooseProtocol("v4.channel.k8s.io", CHANNEL_PROTOCOLS), "v4.channel.k8s.io");
  assert.equal(chooseProtocol("base64.channel.k8s.io", CHANNEL_PROTOCOLS), undefined);
  assert.equal(chooseProtocol(null, CHANNEL_PROTOCOLS), undefined);
});

Deno.test("channel frames round-trip and exit statuses carry the code", () => {
  const msg = encodeChannel(2, new Uint8Array([7, 8]));
  assert.deepEqual([...msg], [2, 7, 8]);
  const { channel, data } = decodeChannel(msg);
  assert.equal(channel, 2);
  assert.deepEqual([...data], [7, 8]);
  assert.deepEqual(exitStatus(0), { metadata: {}, status: "Success" });
  assert.equal(exitStatus(3).details?.causes?.[0].message, "3");
  assert.equal(exitStatus(3).reason, "NonZeroExitCode");
  assert.deepEqual([...portPrefix(1, 8080)], [1, 0x90, 0x1f]);
});
