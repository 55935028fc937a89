/**
 * In-cluster API access for a pod. The netshim turns a pod's connect to 127.0.0.1:P into
 * podIP:P, so the kubelet listens on podIP:<API port> and relays to the API server: a
 * client in the pod reaches `https://127.0.0.1:<API port>` and the serving certificate
 * (IP 127.0.0.1) still matches. The relay is plain TCP (TLS end to end): a pod's request
 * reaches the API server with the pod's own token, unchanged. Also writes the
 * service-account files and env.
 *
 * @module
 */

/** A relay from podIP:port to the API server's 127.0.0.1:port. */
export class ApiRelay {
  #listener?: Deno.TcpListener;
  #conns = new Set<Deno.Conn>();
  #done?: Promise<void>;

  /** Listens on `podIP:port`; a failure (port in use) leaves the pod without the relay. */
  start(podIP: string, target: { hostname: string; port: number }): boolean {
    try {
      this.#listener = Deno.listen({ hostname: podIP, port: target.port });
    } catch {
      return false;
    }
    this.#done = this.#accept(this.#listener, target);
    return true;
  }

  async #accept(l: Deno.TcpListener, target: { hostname: string; port: number }) {
    try {
      for await (const conn of l) this.#relay(conn, target);
    } catch {
      // closed
    }
  }

  async #relay(conn: Deno.Conn, target: { hostname: string; port: number }) {
    this.#conns.add(conn);
    let up: Deno.Conn | undefined;
    try {
      up = await Deno.connect(target);
      this.#conns.add(up);
      await Promise.all([
        conn.readable.pipeTo(up.writable).catch(() => {}),
        up.readable.pipeTo(conn.writable).catch(() => {}),
      ]);
    } catch {
      // the API server went away
    } finally {
      for (const c of [conn, up]) {
        if (!c) continue;
        this.#conns.delete(c);
        try {
          c.close();
        } catch { /* closed */ }
      }
    }
  }

  /** Stops listening and closes every relayed connection. */
  async stop(): Promise<void> {
    try {
      this.#listener?.close();
    } catch { /* closed */ }
    for (const c of this.#conns) {
      try {
        c.close();
      } catch { /* closed */ }
    }
    await this.#done;
  }
}

/** Where Kubernetes mounts a pod's service-account token. */
export const SERVICE_ACCOUNT_DIR = "/var/run/secrets/kubernetes.io/serviceaccount";

/** Writes `ca.crt` and `namespace` into `dir` (the token comes with {@linkcode writeToken}). */
export async function writeServiceAccount(
  dir: string,
  files: { caCertPem: string; namespace: string },
): Promise<void> {
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(`${dir}/ca.crt`, files.caCertPem);
  await Deno.writeTextFile(`${dir}/namespace`, files.namespace);
}

/** Replaces `dir/token` atomically (a reader sees the old or the new token, never half). */
export async function writeToken(dir: string, token: string): Promise<void> {
  const tmp = `${dir}/.token.tmp`;
  await Deno.writeTextFile(tmp, token, { mode: 0o644 });
  await Deno.rename(tmp, `${dir}/token`);
}

/** The KUBERNETES_SERVICE_* env of in-cluster clients. */
export function serviceEnv(url: string): Record<string, string> {
  const u = new URL(url);
  const port = u.port || (u.protocol === "https:" ? "443" : "80");
  return {
    KUBERNETES_SERVICE_HOST: u.hostname,
    KUBERNETES_SERVICE_PORT: port,
    KUBERNETES_SERVICE_PORT_HTTPS: port,
    KUBERNETES_PORT: `tcp://${u.hostname}:${port}`,
  };
}
