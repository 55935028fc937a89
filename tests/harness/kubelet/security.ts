/**
 * The user a container runs as: `runAsUser`/`runAsGroup`/`runAsNonRoot` of the container over
 * the pod's, over the image's USER (root when it has none); `supplementalGroups` and `fsGroup`
 * as extra groups; and the kubelet's non-root check (verifyRunAsNonRoot).
 *
 * @module
 */

import type { Container, Pod, SecurityContext } from "./types.ts";

/** The process identity: uid, gid and supplementary groups. */
export interface RunAs {
  uid: number;
  gid: number;
  groups: number[];
}

/** Where a container's identity comes from: a RunAs, or the kubelet's refusal. */
export type Identity =
  | { ok: true; runAs: RunAs }
  | { ok: false; reason: "CreateContainerConfigError"; message: string };

/** The pod's securityContext (empty when unset). */
export function podSecurity(pod: Pod): SecurityContext {
  return pod.spec.securityContext ?? {};
}

/** As the kubelet's format.Pod: `name_namespace(uid)`. */
function podDesc(pod: Pod): string {
  const m = pod.metadata;
  return `${m.name}_${m.namespace ?? "default"}(${m.uid})`;
}

/** The uid and gid of an image's numeric USER (`uid` or `uid:gid`): root when unset. */
export function imageUser(user: string | undefined): { uid: number; gid?: number } | undefined {
  if (!user) return { uid: 0 };
  const m = /^(\d+)(?::(\d+))?$/.exec(user);
  if (!m) return undefined;
  return { uid: Number(m[1]), gid: m[2] === undefined ? undefined : Number(m[2]) };
}

/**
 * The identity container `c` of `pod` runs as, given its image's USER (`imageUserSpec`), or
 * why the kubelet refuses to start it.
 */
export function containerIdentity(pod: Pod, c: Container, imageUserSpec?: string): Identity {
  const ps = podSecurity(pod);
  const cs = c.securityContext ?? {};
  const runAsUser = cs.runAsUser ?? ps.runAsUser;
  const image = imageUser(imageUserSpec);
  const where = `(pod: "${podDesc(pod)}", container: ${c.name})`;
  if (!image && runAsUser === undefined) {
    return refuse(`Cannot run container "${c.name}": image user "${imageUserSpec}" is not numeric`);
  }
  const uid = runAsUser ?? image!.uid;
  if (cs.runAsNonRoot ?? ps.runAsNonRoot) {
    if (runAsUser === 0) return refuse(`container's runAsUser breaks non-root policy ${where}`);
    if (uid === 0) return refuse(`container has runAsNonRoot and image will run as root ${where}`);
  }
  const groups = [
    ...(ps.supplementalGroups ?? []),
    ...(ps.fsGroup === undefined ? [] : [ps.fsGroup]),
  ];
  // the image's group only goes with the image's user (as the runtime resolves it)
  const gid = cs.runAsGroup ?? ps.runAsGroup ?? (runAsUser === undefined ? image?.gid : 0) ?? 0;
  return { ok: true, runAs: { uid, gid, groups: [...new Set(groups)] } };
}

function refuse(message: string): Identity {
  return { ok: false, reason: "CreateContainerConfigError", message };
}

/**
 * `setpriv` options that put a process on `runAs` (after `--pdeathsig KILL`, which setpriv
 * applies after the uid change, so it survives). Harness deviation: a non-root uid also gets
 * the ambient capability CAP_DAC_READ_SEARCH, because harness images are host files (the
 * repository, the Deno cache under /root) that a real image would own; it reads and searches
 * any file but writes only where the uid may.
 */
export function setprivArgs(runAs: RunAs | undefined): string[] {
  if (!runAs) return [];
  const groups = runAs.groups.length > 0
    ? ["--groups", runAs.groups.join(",")]
    : ["--clear-groups"];
  const caps = runAs.uid === 0
    ? []
    : ["--inh-caps", "+dac_read_search", "--ambient-caps", "+dac_read_search"];
  return ["--reuid", String(runAs.uid), "--regid", String(runAs.gid), ...groups, ...caps];
}
