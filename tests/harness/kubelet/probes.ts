/**
 * Readiness, liveness and startup probes: httpGet against the pod IP, tcpSocket, exec; with
 * initialDelaySeconds, periodSeconds, timeoutSeconds and success/failure thresholds.
 *
 * @module
 */

import type { Container, Probe } from "./types.ts";

/** What a probe needs from its container. */
export interface ProbeTarget {
  podIP: string;
  ports: Container["ports"];
  /** Runs a command in the container; resolves to its exit code. */
  exec(argv: string[], timeoutMs: number): Promise<number>;
}

function resolvePort(port: number | string, ports: Container["ports"]): number {
  if (typeof port === "number") return port;
  const named = ports?.find((p) => p.name === port);
  return named?.containerPort ?? Number(port);
}

async function withTimeout<T>(ms: number, f: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(), ms);
  try {
    return await f(ctl.signal);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one probe attempt: true on success. */
export async function runProbe(p: Probe, t: ProbeTarget): Promise<boolean> {
  const timeoutMs = (p.timeoutSeconds ?? 1) * 1000;
  try {
    if (p.httpGet) {
      const port = resolvePort(p.httpGet.port, t.ports);
      const scheme = (p.httpGet.scheme ?? "HTTP").toLowerCase();
      const host = p.httpGet.host ?? t.podIP;
      const url = `${scheme}://${host}:${port}${p.httpGet.path ?? "/"}`;
      return await withTimeout(timeoutMs, async (signal) => {
        const res = await fetch(url, { signal, headers: { "user-agent": "kube-probe/1.32" } });
        await res.body?.cancel();
        return res.status >= 200 && res.status < 400;
      });
    }
    if (p.tcpSocket) {
      const port = resolvePort(p.tcpSocket.port, t.ports);
      const conn = await withTimeout(
        timeoutMs,
        () => Deno.connect({ hostname: p.tcpSocket!.host ?? t.podIP, port }),
      );
      conn.close();
      return true;
    }
    if (p.exec) return (await t.exec(p.exec.command, timeoutMs)) === 0;
  } catch {
    return false;
  }
  return false;
}

/**
 * Probes periodically and reports the result when it changes after the thresholds:
 * `onResult(true)` after successThreshold successes, `onResult(false)` after failureThreshold
 * failures.
 */
export class ProbeLoop {
  #timer?: ReturnType<typeof setTimeout>;
  #stopped = false;
  #state?: boolean;
  #ok = 0;
  #fail = 0;

  constructor(
    private probe: Probe,
    private target: ProbeTarget,
    private onResult: (ok: boolean) => void,
  ) {}

  /** Starts after initialDelaySeconds. */
  start(): void {
    this.#timer = setTimeout(() => this.#tick(), (this.probe.initialDelaySeconds ?? 0) * 1000);
  }

  async #tick() {
    if (this.#stopped) return;
    const ok = await runProbe(this.probe, this.target);
    if (this.#stopped) return;
    if (ok) {
      this.#ok++;
      this.#fail = 0;
    } else {
      this.#fail++;
      this.#ok = 0;
    }
    if (ok && this.#state !== true && this.#ok >= (this.probe.successThreshold ?? 1)) {
      this.#state = true;
      this.onResult(true);
    } else if (!ok && this.#state !== false && this.#fail >= (this.probe.failureThreshold ?? 3)) {
      this.#state = false;
      this.onResult(false);
    }
    if (!this.#stopped) {
      this.#timer = setTimeout(() => this.#tick(), (this.probe.periodSeconds ?? 10) * 1000);
    }
  }

  /** Stops probing. */
  stop(): void {
    this.#stopped = true;
    clearTimeout(this.#timer);
  }
}
