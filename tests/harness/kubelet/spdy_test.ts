import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { constants, createDeflate } from "node:zlib";
import {
  encodeData,
  FLAG_FIN,
  FrameReader,
  FrameType,
  HeaderCompressor,
  HeaderDecompressor,
  parseSynStream,
  rstStream,
  SPDY3_DICTIONARY,
  synReply,
  synStream,
} from "./spdy.ts";

Deno.test("spdy frames round-trip through FrameReader, split at any byte", () => {
  const comp = new HeaderCompressor();
  const bytes = new Uint8Array([
    ...synStream(1, { streamType: "error", port: "80", requestID: "0" }, comp, true),
    ...encodeData(3, new TextEncoder().encode("hello"), true),
    ...rstStream(3, 5),
  ]);
  const reader = new FrameReader();
  const frames = [];
  for (const b of bytes) {
    reader.push(new Uint8Array([b]));
    for (let f = reader.next(); f; f = reader.next()) frames.push(f);
  }
  assert.equal(frames.length, 3);
  const [syn, data, rst] = frames;
  assert.ok(syn.kind === "control" && syn.type === FrameType.SynStream && syn.flags === FLAG_FIN);
  const dec = new HeaderDecompressor();
  const { streamId, headerBlock } = parseSynStream(syn.payload);
  assert.equal(streamId, 1);
  assert.deepEqual(dec.decode(headerBlock), { streamtype: "error", port: "80", requestid: "0" });
  assert.ok(data.kind === "data" && data.streamId === 3 && data.flags === FLAG_FIN);
  assert.equal(new TextDecoder().decode(data.data), "hello");
  assert.ok(rst.kind === "control" && rst.type === FrameType.RstStream);
});

Deno.test("HeaderCompressor output is one zlib stream a dictionary inflater reads block by block", () => {
  const comp = new HeaderCompressor(), dec = new HeaderDecompressor();
  for (let i = 0; i < 3; i++) {
    const reply = synReply(i * 2 + 1, { "x-i": String(i) }, comp);
    const block = reply.slice(12);
    assert.deepEqual(dec.decode(block), { "x-i": String(i) });
  }
});

async function syncFlushed(deflate: ReturnType<typeof createDeflate>, data: Uint8Array) {
  const chunks: Buffer[] = [];
  const onData = (c: Buffer) => chunks.push(c);
  deflate.on("data", onData);
  deflate.write(Buffer.from(data));
  await new Promise<void>((resolve) => deflate.flush(constants.Z_SYNC_FLUSH, () => resolve()));
  deflate.off("data", onData);
  return new Uint8Array(Buffer.concat(chunks));
}

Deno.test("HeaderDecompressor keeps one context across blocks of a real compressor", async () => {
  const deflate = createDeflate({ dictionary: Buffer.from(SPDY3_DICTIONARY), level: 9 });
  const pairs = (h: Record<string, string>) => {
    const enc = new TextEncoder();
    const out: number[] = [0, 0, 0, Object.keys(h).length];
    for (const [k, v] of Object.entries(h)) {
      for (const s of [k, v]) {
        const b = enc.encode(s);
        out.push(0, 0, 0, b.length, ...b);
      }
    }
    return new Uint8Array(out);
  };
  const a = await syncFlushed(deflate, pairs({ streamtype: "error", port: "8080" }));
  const b = await syncFlushed(deflate, pairs({ streamtype: "data", port: "8080" }));
  deflate.close();
  const dec = new HeaderDecompressor();
  assert.deepEqual(dec.decode(a), { streamtype: "error", port: "8080" });
  assert.deepEqual(dec.decode(b), { streamtype: "data", port: "8080" });
});
