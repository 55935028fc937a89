/** `connect --configure CLIENT`: writes the client's config file (the I/O around client_config.ts). */

import { type ClientName, configPath, mergeClientConfig, stdioCommand } from "./client_config.ts";

/** What `--configure` writes. */
export interface ConfigureRequest {
  client: ClientName;
  name: string;
  namespace: string;
  /** Overrides the client's usual path. */
  file?: string;
  context?: string;
  /** The kubeconfig files in use, when not the default (joined with the path separator). */
  kubeconfig?: string;
}

/** The plugin's launcher: `kubectl-nmcp` on PATH, else this checkout's bin/kubectl-nmcp. */
export function findLauncher(env = Deno.env.toObject()): string {
  const sep = Deno.build.os === "windows" ? ";" : ":";
  const candidates = (env.PATH ?? "").split(sep).filter((d) => d.startsWith("/"))
    .map((d) => `${d}/kubectl-nmcp`);
  candidates.push(new URL("../../bin/kubectl-nmcp", import.meta.url).pathname);
  for (const c of candidates) {
    try {
      if (Deno.statSync(c).isFile) return Deno.realPathSync(c);
    } catch { /* not there */ }
  }
  throw new Error("Cannot configure a client: no kubectl-nmcp on PATH (put nmcp's bin/ on PATH)");
}

async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotFound) return undefined;
    throw err;
  }
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch {
    throw new SyntaxError(`Cannot configure "${path}": it is not valid JSON (fix or move it)`);
  }
}

/** Merges the server's stdio entry into the client's config file; returns the file's path. */
export async function configureClient(req: ConfigureRequest): Promise<string> {
  const client = req.client;
  const path = req.file ?? configPath(client, {
    os: Deno.build.os,
    home: Deno.env.get("HOME") ?? Deno.env.get("USERPROFILE") ?? ".",
    cwd: Deno.cwd(),
    appData: Deno.env.get("APPDATA"),
  });
  const cmd = stdioCommand(findLauncher(), req, Deno.execPath());
  const doc = mergeClientConfig(await readJson(path), client, req.name, cmd);
  const dir = path.replace(/[\\/][^\\/]*$/, "");
  if (dir !== path) await Deno.mkdir(dir, { recursive: true });
  const tmp = `${path}.nmcp-${crypto.randomUUID().slice(0, 8)}`;
  await Deno.writeTextFile(tmp, JSON.stringify(doc, null, 2) + "\n");
  await Deno.rename(tmp, path);
  return path;
}
