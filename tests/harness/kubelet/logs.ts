/**
 * Container logs in the CRI file format (`<RFC3339Nano> <stdout|stderr> <F|P> <text>` per
 * line), and their rendering for the `log` subresource (tailLines, sinceSeconds, timestamps).
 *
 * @module
 */

/** Formats a time as RFC3339 with nanoseconds, like the kubelet's log timestamps. */
export function rfc3339Nano(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, ".$1000000Z");
}

/** One parsed log line. */
export interface LogLine {
  time: string;
  stream: "stdout" | "stderr";
  text: string;
}

/** Parses CRI log lines (complete lines only). */
export function parseLogLines(content: string): LogLine[] {
  const out: LogLine[] = [];
  for (const raw of content.split("\n")) {
    if (!raw) continue;
    const a = raw.indexOf(" "), b = raw.indexOf(" ", a + 1), c = raw.indexOf(" ", b + 1);
    if (a < 0 || b < 0 || c < 0) continue;
    const tag = raw.slice(b + 1, c);
    out.push({
      time: raw.slice(0, a),
      stream: raw.slice(a + 1, b) as LogLine["stream"],
      text: raw.slice(c + 1) + (tag === "F" ? "\n" : ""),
    });
  }
  return out;
}

/** Options of the log subresource. */
export interface LogQuery {
  tailLines?: number;
  sinceSeconds?: number;
  /** RFC3339 time; lines before it are skipped. */
  sinceTime?: string;
  /** At most this many bytes (of the first chunk when following). */
  limitBytes?: number;
  timestamps?: boolean;
}

/** Selects and renders lines for a log request at time `now`. */
export function renderLog(lines: LogLine[], q: LogQuery, now: Date): string {
  let sel = lines;
  if (q.sinceSeconds !== undefined) {
    const from = now.getTime() - q.sinceSeconds * 1000;
    sel = sel.filter((l) => Date.parse(l.time) >= from);
  }
  if (q.sinceTime !== undefined) {
    const from = Date.parse(q.sinceTime);
    sel = sel.filter((l) => Date.parse(l.time) >= from);
  }
  if (q.tailLines !== undefined) sel = q.tailLines <= 0 ? [] : sel.slice(-q.tailLines);
  const text = sel.map((l) => (q.timestamps ? `${l.time} ${l.text}` : l.text)).join("");
  if (q.limitBytes === undefined) return text;
  const bytes = new TextEncoder().encode(text);
  return bytes.length <= q.limitBytes
    ? text
    : new TextDecoder().decode(bytes.subarray(0, q.limitBytes));
}

/** Appends a container's output to its log file, line by line. */
export class LogWriter {
  #file: Deno.FsFile;
  #pending: Record<string, string> = { stdout: "", stderr: "" };
  #enc = new TextEncoder();
  #now: () => Date;

  constructor(file: Deno.FsFile, now: () => Date = () => new Date()) {
    this.#file = file;
    this.#now = now;
  }

  /** Opens (appending) a log file. */
  static async open(path: string): Promise<LogWriter> {
    return new LogWriter(await Deno.open(path, { create: true, append: true }));
  }

  /** Records text written by the container on `stream`. */
  write(stream: "stdout" | "stderr", text: string): void {
    const all = this.#pending[stream] + text;
    const parts = all.split("\n");
    this.#pending[stream] = parts.pop()!;
    const ts = rfc3339Nano(this.#now());
    const out = parts.map((p) => `${ts} ${stream} F ${p}\n`).join("");
    if (out) this.#file.writeSync(this.#enc.encode(out));
  }

  /** Flushes partial lines and closes the file. */
  close(): void {
    const ts = rfc3339Nano(this.#now());
    for (const [stream, rest] of Object.entries(this.#pending)) {
      if (rest) this.#file.writeSync(this.#enc.encode(`${ts} ${stream} P ${rest}\n`));
    }
    this.#file.close();
  }
}

/**
 * Streams a log file: what `q` selects now, then (while `live()` holds) new lines as they
 * come, polling every `pollMs`. Ends when the container instance is gone or on cancel.
 */
export function followLog(
  path: string,
  q: LogQuery,
  live: () => boolean,
  pollMs = 100,
): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  let offset = 0, carry = "", stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const readNew = async () => {
    const bytes = await Deno.readFile(path).catch(() => new Uint8Array());
    const fresh = new TextDecoder().decode(bytes.subarray(offset));
    offset = bytes.length;
    const all = carry + fresh;
    const cut = all.lastIndexOf("\n") + 1;
    carry = all.slice(cut);
    return parseLogLines(all.slice(0, cut));
  };
  return new ReadableStream<Uint8Array>({
    async start(ctl) {
      const first = renderLog(await readNew(), q, new Date());
      if (first) ctl.enqueue(enc.encode(first));
      const tick = async () => {
        if (stopped) return;
        const wasLive = live();
        const text = renderLog(await readNew(), { timestamps: q.timestamps }, new Date());
        if (stopped) return;
        if (text) ctl.enqueue(enc.encode(text));
        if (!wasLive) {
          stopped = true;
          ctl.close();
          return;
        }
        timer = setTimeout(tick, pollMs);
      };
      timer = setTimeout(tick, pollMs);
    },
    cancel() {
      stopped = true;
      clearTimeout(timer);
    },
  });
}
