/**
 * Builds (once, cached by source hash) the netshim preload library that gives each harness
 * pod its own "localhost", wildcard binds on its pod IP, and a pod's-eye view of peers (its own
 * IP as 127.0.0.1, the host as the node IP). See netshim.c.
 *
 * @module
 */

const SOURCE = new URL("./netshim.c", import.meta.url);

/** Options of {@linkcode buildNetshim}. */
export interface BuildOptions {
  /** Directory for the built library. Default `<repo>/.cache/netshim`. */
  cacheDir?: string;
  /** C compiler. Default `cc`. */
  compiler?: string;
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].slice(0, 8).map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** Compiles netshim.c into a shared library and returns its path. */
export async function buildNetshim(opts: BuildOptions = {}): Promise<string> {
  const source = await Deno.readTextFile(SOURCE);
  const dir = opts.cacheDir ?? new URL("../../../.cache/netshim/", import.meta.url).pathname;
  const out = `${dir}/netshim-${await sha256(source)}.so`;
  try {
    await Deno.stat(out);
    return out;
  } catch {
    // not built yet
  }
  await Deno.mkdir(dir, { recursive: true });
  const tmp = `${out}.${crypto.randomUUID()}.tmp`;
  const { code, stderr } = await new Deno.Command(opts.compiler ?? "cc", {
    args: ["-shared", "-fPIC", "-O2", "-Wall", "-o", tmp, SOURCE.pathname, "-ldl"],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (code !== 0) {
    throw new Error(`Cannot build netshim: cc exited ${code}: ${new TextDecoder().decode(stderr)}`);
  }
  await Deno.rename(tmp, out);
  return out;
}

/**
 * The environment that puts a process on `podIp` through the shim; with `nodeIp`, peers at the
 * host's 127.0.0.1 are reported as that address; with `servicesFile` (kubelet/service_table.ts)
 * Service names resolve and ClusterIPs route to endpoints (see netshim.c).
 */
export function netshimEnv(
  library: string,
  podIp: string,
  nodeIp?: string,
  servicesFile?: string,
): Record<string, string> {
  return {
    LD_PRELOAD: library,
    NMCP_POD_IP: podIp,
    ...(nodeIp ? { NMCP_NODE_IP: nodeIp } : {}),
    ...(servicesFile ? { NMCP_SERVICES_FILE: servicesFile } : {}),
  };
}
