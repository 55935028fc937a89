/**
 * Pod volumes on the host (emptyDir, configMap, secret) and the shell wrapper that mounts
 * them in a private mount namespace per container, so the host's view never changes.
 *
 * @module
 */

import type { PodObjects } from "./env.ts";
import type { Container, KeyToPath, Pod, Volume } from "./types.ts";

/** A bind mount of a container. */
export interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

/** Single-quotes a word for /bin/sh. */
export function shQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** Where the mount script stages sources on a private tmpfs (an empty dir on the host). */
export const STAGE_DIR = "/.nmcp-harness-stage";

/** The repository the harness runs from: its processes read sources and node_modules there. */
export const REPO_ROOT = new URL("../../../", import.meta.url).pathname.replace(/\/$/, "");

function under(path: string, target: string): boolean {
  const t = target.replace(/\/+$/, "");
  return path === t || path.startsWith(`${t}/`);
}

/**
 * The /bin/sh script run by `unshare --mount --propagation private`: stage every source (and
 * every `keep` path a volume would hide) on a private tmpfs, bind each volume at its target
 * (read-only when asked), bind the hidden `keep` paths back, enter the working dir, exec the
 * program. `keep` lists host paths the harness itself needs inside containers (the repository,
 * Deno, the kubelet's directory): a pod mounting an emptyDir at /tmp must not hide a checkout
 * that lives under /tmp. The program and its arguments are the script's positional parameters.
 */
export function mountScript(mounts: Mount[], workingDir: string, keep: string[] = []): string {
  // The host's tools, not the image's (busybox's mount differs); PATH is restored for exec.
  const lines = ["set -e", 'NMCP_PATH="$PATH"', "PATH=/usr/sbin:/usr/bin:/sbin:/bin"];
  const hidden = keep.filter((k) => mounts.some((m) => under(k, m.target)));
  if (mounts.length > 0) {
    lines.push(`mkdir -p ${STAGE_DIR}`, `mount -t tmpfs nmcp-stage ${STAGE_DIR}`);
    const stage = (src: string, name: string) => {
      const s = shQuote(src), at = `${STAGE_DIR}/${name}`;
      lines.push(`if [ -d ${s} ]; then mkdir ${at}; else touch ${at}; fi`);
      lines.push(`mount --bind ${s} ${at}`);
    };
    mounts.forEach((m, i) => stage(m.source, `m${i}`));
    hidden.forEach((k, i) => stage(k, `k${i}`));
  }
  mounts.forEach((m, i) => {
    const t = shQuote(m.target), at = `${STAGE_DIR}/m${i}`;
    lines.push(
      `if [ -d ${at} ]; then mkdir -p ${t}; else mkdir -p "$(dirname ${t})"; touch ${t}; fi`,
    );
    lines.push(`mount --bind ${at} ${t}`);
    if (m.readOnly) lines.push(`mount -o remount,bind,ro ${t}`);
  });
  hidden.forEach((k, i) => {
    lines.push(`mkdir -p ${shQuote(k)}`, `mount --bind ${STAGE_DIR}/k${i} ${shQuote(k)}`);
  });
  if (mounts.length > 0) lines.push(`umount -l ${STAGE_DIR}`);
  lines.push(`mkdir -p ${shQuote(workingDir)}`, `cd ${shQuote(workingDir)}`);
  lines.push('PATH="$NMCP_PATH"', "unset NMCP_PATH", `exec "$@"`);
  return lines.join("\n");
}

/** The mounts of container `c` given the host paths of the pod's volumes. */
export function containerMounts(c: Container, volumes: Map<string, string>): Mount[] {
  const out: Mount[] = [];
  for (const vm of c.volumeMounts ?? []) {
    const src = volumes.get(vm.name);
    if (!src) throw new Error(`Cannot mount volume "${vm.name}": not defined in the pod`);
    out.push({
      source: vm.subPath ? `${src}/${vm.subPath}` : src,
      target: vm.mountPath,
      readOnly: vm.readOnly ?? false,
    });
  }
  return out;
}

/**
 * Writes a configMap/secret volume as the kubelet's AtomicWriter does: the files go into a new
 * `..<stamp>` dir, `..data` is swapped to it by a rename, each top-level path is a symlink
 * through `..data`, and the previous dir is removed, so a reader sees the old or the new set,
 * never a mix (and a watcher of the dir sees the `..data` swap).
 */
async function writeItems(
  dir: string,
  data: Record<string, string>,
  items: KeyToPath[] | undefined,
  mode: number,
): Promise<void> {
  const list = items ?? Object.keys(data).map((key) => ({ key, path: key, mode: undefined }));
  const stamp = `..${new Date().toISOString().replace(/[-:.]/g, "_")}_${
    crypto.randomUUID().slice(0, 8)
  }`;
  await Deno.mkdir(`${dir}/${stamp}`, { mode: 0o755 });
  await Deno.chmod(`${dir}/${stamp}`, 0o755);
  const tops = new Set<string>();
  for (const it of list) {
    if (!Object.hasOwn(data, it.key)) continue;
    const path = `${dir}/${stamp}/${it.path}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(path, data[it.key], { mode: it.mode ?? mode });
    await Deno.chmod(path, it.mode ?? mode);
    tops.add(it.path.split("/")[0]);
  }
  const old = await Deno.readLink(`${dir}/..data`).catch(() => undefined);
  await Deno.remove(`${dir}/..data_tmp`).catch(() => {});
  await Deno.symlink(stamp, `${dir}/..data_tmp`);
  await Deno.rename(`${dir}/..data_tmp`, `${dir}/..data`);
  for await (const e of Deno.readDir(dir)) {
    if (e.isSymlink && !e.name.startsWith("..") && !tops.has(e.name)) {
      await Deno.remove(`${dir}/${e.name}`);
    }
  }
  for (const top of tops) {
    await Deno.symlink(`..data/${top}`, `${dir}/${top}`).catch((e) => {
      if (!(e instanceof Deno.errors.AlreadyExists)) throw e;
    });
  }
  if (old && old !== stamp) await Deno.remove(`${dir}/${old}`, { recursive: true });
}

/** The data of each configMap volume as JSON (what {@linkcode refreshConfigMaps} compares). */
export function configMapDigests(pod: Pod, objs: PodObjects): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of (pod.spec.volumes ?? []) as Volume[]) {
    if (v.configMap) out.set(v.name, JSON.stringify(objs.configMaps.get(v.configMap.name ?? "")));
  }
  return out;
}

/**
 * Rewrites the configMap volumes whose data changed since `seen` (updated in place), as the
 * kubelet's volume sync does; a ConfigMap that is gone keeps its last files. Returns the names.
 */
export async function refreshConfigMaps(
  pod: Pod,
  paths: Map<string, string>,
  objs: PodObjects,
  seen: Map<string, string>,
): Promise<string[]> {
  const changed: string[] = [];
  const fsGroup = (pod.spec.securityContext ?? {}).fsGroup;
  for (const v of (pod.spec.volumes ?? []) as Volume[]) {
    const dir = paths.get(v.name);
    const data = v.configMap && objs.configMaps.get(v.configMap.name ?? "");
    const digest = JSON.stringify(data);
    if (!v.configMap || !dir || !data || seen.get(v.name) === digest) continue;
    await writeItems(dir, data, v.configMap.items, v.configMap.defaultMode ?? 0o644);
    if (fsGroup !== undefined) await applyFsGroup(dir, fsGroup, true);
    seen.set(v.name, digest);
    changed.push(v.name);
  }
  return changed;
}

/**
 * What `fsGroup` does to a volume, as the kubelet's SetVolumeOwnership: every file and dir
 * goes to group `gid` with group read (and write unless `readOnly`), dirs get the setgid bit
 * so new files inherit the group. Bounded to `maxEntries` entries.
 */
export async function applyFsGroup(
  dir: string,
  gid: number,
  readOnly: boolean,
  maxEntries = 10_000,
): Promise<void> {
  const pending = [dir];
  for (let n = 0; pending.length > 0 && n < maxEntries; n++) {
    const path = pending.pop()!;
    const info = await Deno.lstat(path);
    if (info.isSymlink) continue;
    await Deno.chown(path, null, gid);
    const bits = (readOnly ? 0o040 : 0o060) | (info.isDirectory ? 0o2010 : 0);
    await Deno.chmod(path, ((info.mode ?? 0) & 0o7777) | bits);
    if (!info.isDirectory) continue;
    for await (const e of Deno.readDir(path)) pending.push(`${path}/${e.name}`);
  }
}

/**
 * The host path of each volume, created under `podDir/volumes`; data volumes filled. Every
 * volume dir is world-writable (0777, as Kubernetes makes an emptyDir); with the pod's
 * `fsGroup` each volume is handed to that group (configMap and secret volumes read-only).
 */
export async function prepareVolumes(
  pod: Pod,
  podDir: string,
  objs: PodObjects,
): Promise<{ paths: Map<string, string>; error?: string }> {
  const paths = new Map<string, string>();
  for (const v of (pod.spec.volumes ?? []) as Volume[]) {
    const dir = `${podDir}/volumes/${v.name}`;
    await Deno.mkdir(dir, { recursive: true, mode: 0o777 });
    await Deno.chmod(dir, 0o777);
    paths.set(v.name, dir);
    const ref = v.configMap
      ? { kind: "configmap", name: v.configMap.name, src: v.configMap, store: objs.configMaps }
      : v.secret
      ? { kind: "secret", name: v.secret.secretName, src: v.secret, store: objs.secrets }
      : undefined;
    if (!ref) continue;
    const data = ref.store.get(ref.name ?? "");
    if (!data) {
      if (ref.src.optional) continue;
      return { paths, error: `${ref.kind} "${ref.name}" not found` };
    }
    await writeItems(dir, data, ref.src.items, ref.src.defaultMode ?? 0o644);
  }
  const fsGroup = (pod.spec.securityContext ?? {}).fsGroup;
  if (fsGroup !== undefined) {
    for (const v of (pod.spec.volumes ?? []) as Volume[]) {
      const dir = paths.get(v.name);
      if (dir) await applyFsGroup(dir, fsGroup, Boolean(v.configMap || v.secret));
    }
  }
  return { paths };
}
