/** Keeps a connected server alive and followed: periodic re-requests, pod changes by watch. */

import type { MCPServer } from "../../lib/api/mod.ts";
import type { Session } from "../context.ts";
import { collectionPath } from "../kube/client.ts";
import { startPatch } from "../requests.ts";
import { SERVER } from "../resources.ts";

/** Options of {@linkcode followServer}. */
export interface FollowOptions {
  namespace: string;
  name: string;
  /** How often to set the request annotation again (ms). */
  refreshMs: number;
  /** Called with each new Ready pod name. */
  onPod: (podName: string) => void;
  log?: (line: string) => void;
}

/** Starts following; the returned function stops it. */
export function followServer(session: Session, opts: FollowOptions): () => void {
  const kube = session.kube;
  let stopped = false;
  let stopWatch: (() => void) | undefined;
  const seen = (s: MCPServer) => {
    if (s.status?.phase === "Ready" && s.status.podName) opts.onPod(s.status.podName);
  };
  const refresh = async () => {
    try {
      seen(
        await kube.mergePatch<MCPServer>(SERVER, opts.namespace, opts.name, startPatch(new Date())),
      );
    } catch (err) {
      opts.log?.(`Cannot re-request MCPServer "${opts.name}": ${(err as Error).message}\n`);
    }
  };
  const timer = setInterval(refresh, opts.refreshMs);
  const watchLoop = async () => {
    while (!stopped) {
      try {
        const s = await kube.get<MCPServer>(SERVER, opts.namespace, opts.name);
        seen(s);
        await new Promise<void>((resolve) => {
          kube.watch<MCPServer>(collectionPath(SERVER, opts.namespace), {
            resourceVersion: s.metadata.resourceVersion ?? "",
            fieldSelector: `metadata.name=${opts.name}`,
          }, (ev) => {
            if (ev.object?.metadata?.name === opts.name && ev.type !== "DELETED") seen(ev.object);
          }, () => resolve()).then((stop) => {
            if (stopped) stop();
            stopWatch = () => {
              stop();
              resolve();
            };
          }, () => resolve());
        });
      } catch (err) {
        opts.log?.(`Cannot watch MCPServer "${opts.name}": ${(err as Error).message}\n`);
        if (!stopped) await new Promise((r) => setTimeout(r, 1000));
      }
    }
  };
  watchLoop();
  return () => {
    stopped = true;
    clearInterval(timer);
    stopWatch?.();
  };
}
