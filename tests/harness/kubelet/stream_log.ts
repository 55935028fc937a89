/**
 * The `log` subresource: container selection and errors as the API server words them,
 * `previous`, `tailLines`, `sinceSeconds`, `timestamps`, and chunked `follow`.
 *
 * @module
 */

import { statusResponse } from "./channel.ts";
import type { ContainerRunner } from "./container.ts";
import { followLog, parseLogLines, renderLog } from "./logs.ts";
import type { PodWorker } from "./pod_worker.ts";
import type { Pod } from "./types.ts";
import { queryBool } from "../apiserver/query_bool.ts";

/** Picks the container a request names, or the only one; else a 400 Response. */
export function pickContainer(
  pod: Pod,
  worker: PodWorker | undefined,
  name: string | null,
): { runner?: ContainerRunner; name: string } | Response {
  const main = (pod.spec.containers ?? []).map((c) => c.name);
  const init = (pod.spec.initContainers ?? []).map((c) => c.name);
  const podName = pod.metadata.name;
  if (!name) {
    if (main.length !== 1) {
      const initPart = init.length > 0 ? ` or one of the init containers: [${init.join(" ")}]` : "";
      return statusResponse(
        400,
        "BadRequest",
        `a container name must be specified for pod ${podName}, choose one of: [${
          main.join(" ")
        }]${initPart}`,
      );
    }
    name = main[0];
  }
  if (!main.includes(name) && !init.includes(name)) {
    return statusResponse(400, "BadRequest", `container ${name} is not valid for pod ${podName}`);
  }
  return { runner: worker?.container(name), name };
}

function num(v: string | null): number | undefined {
  return v === null || v === "" ? undefined : Number(v);
}

/** Serves `GET …/pods/{name}/log`. */
export async function serveLog(
  req: Request,
  pod: Pod,
  worker: PodWorker | undefined,
): Promise<Response> {
  const q = new URL(req.url).searchParams;
  const picked = pickContainer(pod, worker, q.get("container"));
  if (picked instanceof Response) return picked;
  const { runner, name } = picked;
  const podName = pod.metadata.name;
  const previous = queryBool(q, "previous");
  const last = runner?.lastInstance ?? -1;
  const instance = previous ? last - 1 : last;
  if (!runner || instance < 0) {
    if (previous) {
      return statusResponse(
        400,
        "BadRequest",
        `previous terminated container "${name}" in pod "${podName}" not found`,
      );
    }
    const reason = runner?.status().state.waiting?.reason ?? "ContainerCreating";
    return statusResponse(
      400,
      "BadRequest",
      `container "${name}" in pod "${podName}" is waiting to start: ${reason}`,
    );
  }
  const query = {
    tailLines: num(q.get("tailLines")),
    sinceSeconds: num(q.get("sinceSeconds")),
    sinceTime: q.get("sinceTime") ?? undefined,
    limitBytes: num(q.get("limitBytes")),
    timestamps: queryBool(q, "timestamps"),
  };
  const path = runner.logPath(instance);
  const headers = { "content-type": "text/plain" };
  if (queryBool(q, "follow") && !previous) {
    const live = () => runner.lastInstance === instance && (runner.process?.running ?? false);
    return new Response(followLog(path, query, live), { headers });
  }
  const text = await Deno.readTextFile(path).catch(() => "");
  return new Response(renderLog(parseLogLines(text), query, new Date()), { headers });
}
