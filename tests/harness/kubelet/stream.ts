/**
 * The kubelet's PodStreamHandler: dispatches `log`, `exec`, `attach` and `portforward`.
 *
 * @module
 */

import type { PodStreamHandler } from "../contract.ts";
import { statusResponse } from "./channel.ts";
import type { PodWorker } from "./pod_worker.ts";
import { serveAttach, serveExec } from "./stream_exec.ts";
import { serveLog } from "./stream_log.ts";
import { servePortForward } from "./stream_portforward.ts";
import type { Pod } from "./types.ts";

/** Builds the stream handler over the kubelet's pod workers (looked up by pod uid). */
export function createStreamHandler(
  workerOf: (uid: string) => PodWorker | undefined,
): PodStreamHandler {
  return (req, stored, subresource) => {
    const pod = stored as unknown as Pod;
    const worker = workerOf(pod.metadata.uid);
    switch (subresource) {
      case "log":
        return serveLog(req, pod, worker);
      case "exec":
        return serveExec(req, pod, worker);
      case "attach":
        return serveAttach(req, pod, worker);
      case "portforward":
        // a hostNetwork pod's loopback is the host's
        return servePortForward(req, worker && (pod.spec.hostNetwork ? "127.0.0.1" : worker.podIP));
    }
    return statusResponse(404, "NotFound", `the server could not find the requested resource`);
  };
}
