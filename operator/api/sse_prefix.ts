/**
 * Rewrites the legacy SSE `endpoint` event a gateway announces (`/message?sessionId=…`, a path
 * on the gateway) so it points through the router (`/servers/{ns}/{name}/message?…`). Only
 * the first endpoint event is touched; the rest of the stream passes through as bytes.
 */

/** Returns a byte stream transform that prefixes the first `endpoint` event's path. */
export function prefixEndpointEvent(prefix: string): TransformStream<Uint8Array, Uint8Array> {
  const dec = new TextDecoder();
  const enc = new TextEncoder();
  let buf = "";
  let done = false;
  let inEndpoint = false;
  return new TransformStream({
    transform(chunk, ctl) {
      if (done) return ctl.enqueue(chunk);
      buf += dec.decode(chunk, { stream: true });
      let out = "";
      let nl: number;
      while (!done && (nl = buf.indexOf("\n")) >= 0) {
        let line = buf.slice(0, nl + 1);
        buf = buf.slice(nl + 1);
        const bare = line.replace(/\r?\n$/, "");
        if (bare.startsWith("event:")) inEndpoint = bare.slice(6).trim() === "endpoint";
        else if (inEndpoint && bare.startsWith("data:")) {
          const value = bare.slice(5).trimStart();
          if (value.startsWith("/")) line = `data: ${prefix}${value}\n`;
          done = true;
        } else if (bare === "") inEndpoint = false;
        out += line;
      }
      if (done) {
        out += buf;
        buf = "";
      }
      if (out) ctl.enqueue(enc.encode(out));
    },
    flush(ctl) {
      if (buf) ctl.enqueue(enc.encode(buf));
    },
  });
}
