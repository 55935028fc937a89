/** Waits for an MCPServer to be Ready by watching it (not polling), bounded by a timeout. */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Session } from "../context.ts";
import { collectionPath } from "../kube/client.ts";
import { SERVER } from "../resources.ts";
import { progressLine, type Readiness, readinessOf } from "./readiness.ts";

/** Options of {@linkcode waitReady}. */
export interface WaitOptions {
  /** Give up after this long. */
  timeoutMs: number;
  /** Receives a line each time the phase changes. */
  progress?: (line: string) => void;
  /** Stop early. */
  signal?: AbortSignal;
}

/** Resolves with the pod name once the server is Ready; rejects on Failed or timeout. */
export async function waitReady(
  session: Session,
  namespace: string,
  name: string,
  opts: WaitOptions,
): Promise<string> {
  const started = Date.now();
  let last = "";
  const report = (r: Readiness) => {
    const key = r.state === "waiting" ? `${r.phase}/${r.reason}` : r.state;
    if (key !== last) opts.progress?.(progressLine(name, r, Date.now() - started));
    last = key;
  };
  const kube = session.kube;
  const path = collectionPath(SERVER, namespace);
  while (true) {
    const server = await kube.get<MCPServer>(SERVER, namespace, name);
    const first = readinessOf(server);
    report(first);
    if (first.state === "ready") return first.podName;
    if (first.state === "failed") {
      throw new Error(`Cannot connect to MCPServer "${name}": ${first.message}`);
    }
    const left = opts.timeoutMs - (Date.now() - started);
    if (left <= 0) break;
    const outcome = await new Promise<Readiness | "ended" | "timeout">((resolve, reject) => {
      let stop: (() => void) | undefined;
      let done = false;
      const finish = (v: Readiness | "ended" | "timeout") => {
        done = true;
        clearTimeout(timer);
        opts.signal?.removeEventListener("abort", onAbort);
        stop?.();
        resolve(v);
      };
      const onAbort = () => finish("timeout");
      const timer = setTimeout(() => finish("timeout"), left);
      opts.signal?.addEventListener("abort", onAbort);
      kube.watch<MCPServer>(path, {
        resourceVersion: server.metadata.resourceVersion ?? "",
        fieldSelector: `metadata.name=${name}`,
      }, (ev) => {
        if (ev.object?.metadata?.name !== name) return;
        if (ev.type === "DELETED") {
          reject(new Error(`Cannot connect to MCPServer "${name}": it was deleted`));
          return finish("ended");
        }
        const r = readinessOf(ev.object);
        report(r);
        if (r.state !== "waiting") finish(r);
      }, () => finish("ended")).then((s) => done ? s() : (stop = s), reject);
    });
    if (outcome === "timeout") break;
    if (outcome !== "ended") {
      if (outcome.state === "ready") return outcome.podName;
      if (outcome.state === "failed") {
        throw new Error(`Cannot connect to MCPServer "${name}": ${outcome.message}`);
      }
    }
  }
  throw new Error(
    `Cannot connect to MCPServer "${name}": not Ready after ${
      Math.round(opts.timeoutMs / 1000)
    }s ` +
      `(see kubectl nmcp describe ${name}; raise --timeout)`,
  );
}
