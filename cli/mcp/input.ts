/** Values typed by the user: read from stdin, hidden for secrets, only on a terminal. */

const decoder = new TextDecoder();

/** True when stdin is a terminal (prompts are allowed). */
export function canPrompt(): boolean {
  return Deno.stdin.isTerminal();
}

/** Reads one line from the terminal after `label` on stderr; `hidden` does not echo it. */
export async function promptLine(label: string, hidden: boolean): Promise<string> {
  Deno.stderr.writeSync(new TextEncoder().encode(label));
  if (hidden) Deno.stdin.setRaw(true);
  const buf = new Uint8Array(1024);
  let line = "";
  try {
    for (let i = 0; i < 64 * 1024; i++) {
      const n = await Deno.stdin.read(buf);
      if (n === null) break;
      const chunk = decoder.decode(buf.subarray(0, n));
      if (hidden && chunk.includes("\x03")) throw new Error("Cannot read value: interrupted");
      const end = chunk.search(/[\r\n]/);
      if (end >= 0) return line + chunk.slice(0, end);
      line += chunk;
    }
    return line;
  } finally {
    if (hidden) {
      Deno.stdin.setRaw(false);
      Deno.stderr.writeSync(new TextEncoder().encode("\n"));
    }
  }
}

/** All of stdin as text, without one trailing newline (a piped secret). */
export async function readStdin(): Promise<string> {
  const text = await new Response(Deno.stdin.readable).text();
  return text.replace(/\r?\n$/, "");
}

/** Reads a document: a file, `-` for stdin, or an http(s) URL (30 s bound). */
export async function readSource(from: string): Promise<string> {
  if (from === "-") return await new Response(Deno.stdin.readable).text();
  if (!/^https?:\/\//.test(from)) return await Deno.readTextFile(from);
  const res = await fetch(from, {
    signal: AbortSignal.timeout(30_000),
    headers: { accept: "application/json" },
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`Cannot read "${from}": HTTP ${res.status}`);
  return text;
}
