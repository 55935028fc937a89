/**
 * For the declared-objects tests: a real backend HTTP server on 127.0.0.1 and a directory laid
 * out like a mounted ConfigMap (`declared.json` → `..data/declared.json`, `..data` → a
 * timestamped directory), updated by the same atomic symlink swap the kubelet does.
 */

/** One request the backend received. */
export interface Seen {
  method: string;
  path: string;
  query: string;
  headers: Headers;
  body: string;
}

/** A running backend. */
export interface Backend {
  base: string;
  seen: Seen[];
  close(): Promise<void>;
}

/** PNG signature bytes, served as a binary answer. */
export const BINARY = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);

async function answer(url: URL, body: string): Promise<Response> {
  if (url.pathname.startsWith("/echo/")) {
    const json = body ? JSON.parse(body) : null;
    return Response.json({ path: url.pathname, query: url.search, body: json });
  }
  if (url.pathname.startsWith("/items/")) {
    const id = decodeURIComponent(url.pathname.slice("/items/".length));
    if (id === "missing") return new Response("no such item", { status: 404 });
    return Response.json({ id, query: Object.fromEntries(url.searchParams) });
  }
  if (url.pathname === "/text") return new Response("plain words");
  if (url.pathname.startsWith("/blob/")) {
    return new Response(BINARY, { headers: { "content-type": "image/png" } });
  }
  if (url.pathname === "/fail") return new Response("boom", { status: 500 });
  if (url.pathname === "/slow") {
    await new Promise((resolve) => setTimeout(resolve, 1500)); // beyond the tool's timeout
    return new Response("late");
  }
  return new Response("not found", { status: 404 });
}

/** Starts the backend on an ephemeral loopback port. */
export function startBackend(): Backend {
  const seen: Seen[] = [];
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, async (req) => {
    const url = new URL(req.url);
    const body = await req.text();
    seen.push({
      method: req.method,
      path: url.pathname,
      query: url.search,
      headers: req.headers,
      body,
    });
    return await answer(url, body);
  });
  return { base: `http://127.0.0.1:${server.addr.port}`, seen, close: () => server.shutdown() };
}

/** A ConfigMap-like mount holding `declared.json`. */
export class DeclaredDir {
  readonly dir: string;
  #n = 0;

  private constructor(dir: string) {
    this.dir = dir;
  }

  /** Creates the directory with a first version of the file. */
  static async create(content: unknown): Promise<DeclaredDir> {
    const d = new DeclaredDir(await Deno.makeTempDir({ prefix: "nmcp-declared-" }));
    await d.write(content);
    await Deno.symlink("..data/declared.json", `${d.dir}/declared.json`);
    return d;
  }

  /** The path the gateway is given. */
  get file(): string {
    return `${this.dir}/declared.json`;
  }

  /** Writes a new version and swaps `..data` to it atomically (text as is, else JSON). */
  async write(content: unknown): Promise<void> {
    const version = `..2026_12_02_${++this.#n}`;
    await Deno.mkdir(`${this.dir}/${version}`);
    const text = typeof content === "string" ? content : JSON.stringify(content);
    await Deno.writeTextFile(`${this.dir}/${version}/declared.json`, text);
    await Deno.symlink(version, `${this.dir}/..data_tmp`);
    await Deno.rename(`${this.dir}/..data_tmp`, `${this.dir}/..data`);
  }

  async remove(): Promise<void> {
    await Deno.remove(this.dir, { recursive: true });
  }
}
