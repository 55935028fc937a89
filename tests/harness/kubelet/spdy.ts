/**
 * Minimal SPDY/3.1 server framing for port-forward: frame parsing and encoding, and header
 * blocks (name/value pairs, zlib with the SPDY/3 dictionary). The receiving side inflates
 * through one context per connection; the sending side emits uncompressed (stored) deflate
 * blocks, which any zlib reader accepts and which need no compression state.
 *
 * @module
 */

import { constants, inflateSync } from "node:zlib";
import { Buffer } from "node:buffer";
import dictionaries from "spdy-transport/lib/spdy-transport/protocol/spdy/dictionary.js";

/** The SPDY/3 header compression dictionary. */
export const SPDY3_DICTIONARY: Uint8Array = new Uint8Array(
  (dictionaries as Record<string, Uint8Array>)["3"],
);

/** Control frame types. */
export const FrameType = {
  SynStream: 1,
  SynReply: 2,
  RstStream: 3,
  Settings: 4,
  Ping: 6,
  GoAway: 7,
  Headers: 8,
  WindowUpdate: 9,
} as const;

/** FLAG_FIN of data and control frames. */
export const FLAG_FIN = 0x01;

/** A parsed frame. */
export type Frame =
  | { kind: "data"; streamId: number; flags: number; data: Uint8Array }
  | { kind: "control"; type: number; flags: number; payload: Uint8Array };

/** Buffers bytes and yields complete frames. */
export class FrameReader {
  #buf = new Uint8Array(0);

  /** Appends received bytes. */
  push(bytes: Uint8Array): void {
    const next = new Uint8Array(this.#buf.length + bytes.length);
    next.set(this.#buf);
    next.set(bytes, this.#buf.length);
    this.#buf = next;
  }

  /** The next complete frame, or undefined. */
  next(): Frame | undefined {
    if (this.#buf.length < 8) return undefined;
    const v = new DataView(this.#buf.buffer, this.#buf.byteOffset);
    const length = v.getUint32(4) & 0xffffff;
    if (this.#buf.length < 8 + length) return undefined;
    const flags = this.#buf[4];
    const body = this.#buf.slice(8, 8 + length);
    const first = v.getUint32(0);
    this.#buf = this.#buf.slice(8 + length);
    if (first & 0x80000000) {
      return { kind: "control", type: first & 0xffff, flags, payload: body };
    }
    return { kind: "data", streamId: first & 0x7fffffff, flags, data: body };
  }
}

function frame(first: number, flags: number, body: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + body.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, first >>> 0);
  v.setUint32(4, ((flags & 0xff) << 24 | body.length) >>> 0);
  out.set(body, 8);
  return out;
}

/** Encodes a control frame of SPDY version 3. */
export function encodeControl(type: number, flags: number, payload: Uint8Array): Uint8Array {
  return frame(0x80030000 | type, flags, payload);
}

/** Encodes a data frame. */
export function encodeData(streamId: number, data: Uint8Array, fin = false): Uint8Array {
  return frame(streamId & 0x7fffffff, fin ? FLAG_FIN : 0, data);
}

function u32(...values: number[]): Uint8Array {
  const out = new Uint8Array(values.length * 4);
  const v = new DataView(out.buffer);
  values.forEach((x, i) => v.setUint32(i * 4, x >>> 0));
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The stream id of a SYN_STREAM, SYN_REPLY, RST_STREAM, HEADERS or WINDOW_UPDATE payload. */
export function streamIdOf(payload: Uint8Array): number {
  return new DataView(payload.buffer, payload.byteOffset).getUint32(0) & 0x7fffffff;
}

/** Splits a SYN_STREAM payload into its stream id, flags-independent fields and header block. */
export function parseSynStream(payload: Uint8Array): { streamId: number; headerBlock: Uint8Array } {
  return { streamId: streamIdOf(payload), headerBlock: payload.slice(10) };
}

/** Encodes name/value pairs (SPDY/3: 32-bit lengths). */
export function encodeHeaderPairs(headers: Record<string, string>): Uint8Array {
  const enc = new TextEncoder();
  const parts: Uint8Array[] = [u32(Object.keys(headers).length)];
  for (const [k, v] of Object.entries(headers)) {
    const kb = enc.encode(k.toLowerCase()), vb = enc.encode(v);
    parts.push(u32(kb.length), kb, u32(vb.length), vb);
  }
  return concat(parts);
}

/** Decodes name/value pairs; names are lowercased. */
export function decodeHeaderPairs(block: Uint8Array): Record<string, string> {
  const v = new DataView(block.buffer, block.byteOffset, block.byteLength);
  const dec = new TextDecoder();
  const count = v.getUint32(0);
  const out: Record<string, string> = {};
  let at = 4;
  const take = () => {
    const n = v.getUint32(at);
    const s = dec.decode(block.subarray(at + 4, at + 4 + n));
    at += 4 + n;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const k = take().toLowerCase();
    out[k] = take();
  }
  return out;
}

/** Adler-32 checksum (zlib's DICTID). */
export function adler32(data: Uint8Array): number {
  let a = 1, b = 0;
  for (const x of data) {
    a = (a + x) % 65521;
    b = (b + a) % 65521;
  }
  return ((b << 16) | a) >>> 0;
}

/** Inflates the peer's header blocks through one zlib context (SPDY/3 dictionary). */
export class HeaderDecompressor {
  #input: Uint8Array[] = [];
  #consumed = 0;

  /** Decodes the next header block of this connection. */
  decode(block: Uint8Array): Record<string, string> {
    this.#input.push(block);
    const all = inflateSync(Buffer.from(concat(this.#input)), {
      dictionary: Buffer.from(SPDY3_DICTIONARY),
      finishFlush: constants.Z_SYNC_FLUSH,
    });
    const fresh = new Uint8Array(
      all.buffer,
      all.byteOffset + this.#consumed,
      all.byteLength - this.#consumed,
    );
    this.#consumed = all.byteLength;
    return decodeHeaderPairs(fresh);
  }
}

/** Emits header blocks as one zlib stream of stored blocks (no compression state needed). */
export class HeaderCompressor {
  #started = false;

  /** Encodes the next header block of this connection. */
  encode(headers: Record<string, string>): Uint8Array {
    const raw = encodeHeaderPairs(headers);
    const parts: Uint8Array[] = [];
    if (!this.#started) {
      this.#started = true;
      // CMF 0x78 (deflate, 32K window), FLG with FDICT; FCHECK makes the pair a multiple of 31.
      const cmf = 0x78, flgBase = 0x20 | (2 << 6);
      const flg = flgBase + (31 - ((cmf * 256 + flgBase) % 31)) % 31;
      parts.push(new Uint8Array([cmf, flg]), u32(adler32(SPDY3_DICTIONARY)));
    }
    for (let at = 0; at < raw.length || at === 0; at += 0xffff) {
      const chunk = raw.subarray(at, Math.min(raw.length, at + 0xffff));
      const n = chunk.length;
      parts.push(new Uint8Array([0, n & 0xff, n >> 8, ~n & 0xff, (~n >> 8) & 0xff]), chunk);
      if (raw.length === 0) break;
    }
    // An empty stored block, as Z_SYNC_FLUSH emits: Go's flate hands out data only on it.
    parts.push(new Uint8Array([0, 0, 0, 0xff, 0xff]));
    return concat(parts);
  }
}

/** A SYN_REPLY frame. */
export function synReply(
  streamId: number,
  headers: Record<string, string>,
  compressor: HeaderCompressor,
  fin = false,
): Uint8Array {
  return encodeControl(
    FrameType.SynReply,
    fin ? FLAG_FIN : 0,
    concat([u32(streamId), compressor.encode(headers)]),
  );
}

/** A SYN_STREAM frame (client side; used by tests). */
export function synStream(
  streamId: number,
  headers: Record<string, string>,
  compressor: HeaderCompressor,
  fin = false,
): Uint8Array {
  const payload = concat([u32(streamId, 0), new Uint8Array([0, 0]), compressor.encode(headers)]);
  return encodeControl(FrameType.SynStream, fin ? FLAG_FIN : 0, payload);
}

/** An RST_STREAM frame (status 5 = CANCEL, 1 = PROTOCOL_ERROR). */
export function rstStream(streamId: number, status: number): Uint8Array {
  return encodeControl(FrameType.RstStream, 0, u32(streamId, status));
}

/** A PING frame echoing `payload`. */
export function ping(payload: Uint8Array): Uint8Array {
  return encodeControl(FrameType.Ping, 0, payload);
}

/** A GOAWAY frame. */
export function goAway(lastStreamId: number, status = 0): Uint8Array {
  return encodeControl(FrameType.GoAway, 0, u32(lastStreamId, status));
}
