/**
 * The life of one pod on the node: sandbox (IP, volumes), init containers in order, native
 * sidecars, main containers, status writes, and termination (SIGTERM, grace, SIGKILL, then a
 * DELETE with grace 0).
 *
 * @module
 */

import type { Logger } from "../../../lib/log.ts";
import type { KubeApi } from "./api.ts";
import {
  ApiRelay,
  SERVICE_ACCOUNT_DIR,
  serviceEnv,
  writeServiceAccount,
  writeToken,
} from "./api_proxy.ts";
import { resolveArgv } from "./command.ts";
import { ContainerRunner, type Prepared } from "./container.ts";
import { type PodObjects, referencedObjects, resolveEnv } from "./env.ts";
import { imageID, type ImageStore } from "./image_store.ts";
import type { IpPool } from "./ip_pool.ts";
import type { HostTools } from "./process.ts";
import { ProjectedToken } from "./sa_token.ts";
import { containerIdentity } from "./security.ts";
import { computePodStatus, statusChanged } from "./status.ts";
import type { Container, Pod, PodStatus } from "./types.ts";
import {
  configMapDigests,
  containerMounts,
  type Mount,
  prepareVolumes,
  refreshConfigMaps,
  REPO_ROOT,
} from "./volumes.ts";

/** How often configMap volumes are brought up to date (the kubelet's sync, much shortened). */
const CONFIGMAP_SYNC_MS = 1000;

/** What a pod worker needs from its kubelet. */
export interface PodWorkerDeps {
  api: KubeApi;
  tools: HostTools;
  images: ImageStore;
  ipPool: IpPool;
  dataDir: string;
  hostIP: string;
  nodeName: string;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Env added to every container last (the netshim preload). */
  podEnv: (podIP: string) => Record<string, string>;
  /** Host env every container starts from (PATH, HOME, DENO_DIR…). */
  baseEnv: Record<string, string>;
  /** The API server, for in-cluster clients (service account, KUBERNETES_SERVICE_*). */
  cluster?: { url: string; caCertPem: string };
  log: Logger;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Lifetime of a pod's projected ServiceAccount token (refreshed at 80%). */
const TOKEN_SECONDS = 3600;

/** Host paths every container needs to keep seeing: the repository, Deno, the pod's files. */
function harnessPaths(podDir: string, binDir?: string): string[] {
  const deno = Deno.execPath();
  const paths = [REPO_ROOT, deno.slice(0, deno.lastIndexOf("/")), podDir];
  if (binDir) paths.push(binDir);
  return [...new Set(paths)];
}

/** Runs one pod. */
export class PodWorker {
  pod: Pod;
  readonly podIP: string;
  readonly init: ContainerRunner[];
  readonly main: ContainerRunner[];
  #deps: PodWorkerDeps;
  #dir: string;
  #volumes = new Map<string, string>();
  #startTime = new Date().toISOString();
  #written?: PodStatus;
  #dirty = false;
  #syncing?: Promise<void>;
  #gone = false;
  #terminating?: Promise<void>;
  #waiters = new Set<() => void>();
  #ran: Promise<void> = Promise.resolve();
  #relay = new ApiRelay();
  #hostNetwork: boolean;
  #saMount?: Mount;
  #saToken?: ProjectedToken;

  constructor(pod: Pod, deps: PodWorkerDeps) {
    this.pod = pod;
    this.#deps = deps;
    this.#dir = `${deps.dataDir}/pods/${pod.metadata.uid}`;
    this.#hostNetwork = pod.spec.hostNetwork === true;
    this.podIP = this.#hostNetwork ? deps.hostIP : deps.ipPool.allocate(pod.metadata.uid);
    const runner = (c: Container) =>
      new ContainerRunner(c, {
        tools: deps.tools,
        podIP: this.podIP,
        logDir: `${this.#dir}/logs`,
        imageID: imageID(c.image),
        backoffBaseMs: deps.backoffBaseMs,
        backoffMaxMs: deps.backoffMaxMs,
        prepare: () => this.#prepare(c),
        changed: () => this.changed(),
        event: (type, reason, message) => {
          const init = pod.spec.initContainers?.includes(c) ?? false;
          const fieldPath = `spec.${init ? "initContainers" : "containers"}{${c.name}}`;
          this.#deps.api.podEvent(this.pod, {
            type,
            reason,
            message,
            fieldPath,
            node: deps.nodeName,
          });
        },
      });
    this.init = (pod.spec.initContainers ?? []).map(runner);
    this.main = (pod.spec.containers ?? []).map(runner);
    for (const r of this.init) if (r.spec.restartPolicy !== "Always") r.markInit();
    const graceMs = (pod.spec.terminationGracePeriodSeconds ?? 30) * 1000;
    for (const r of [...this.init, ...this.main]) r.setGrace(graceMs);
  }

  /** Finds a container runner by name (init or main). */
  container(name: string): ContainerRunner | undefined {
    return [...this.main, ...this.init].find((r) => r.spec.name === name);
  }

  /** Starts the pod's lifecycle. */
  start(): void {
    this.#ran = this.#run().catch((e) => {
      this.#deps.log.error("pod worker failed", { pod: this.#key, error: String(e) });
    });
  }

  get #key() {
    return `${this.pod.metadata.namespace}/${this.pod.metadata.name}`;
  }

  /** Takes a newer pod object; starts termination when deletionTimestamp appears. */
  update(pod: Pod): void {
    this.pod = pod;
    if (pod.metadata.deletionTimestamp && !this.#terminating) {
      const grace = pod.metadata.deletionGracePeriodSeconds ??
        pod.spec.terminationGracePeriodSeconds ?? 30;
      this.terminate(grace * 1000, true).catch((e) =>
        this.#deps.log.error("pod termination failed", { pod: this.#key, error: String(e) })
      );
    }
  }

  async #objects(): Promise<PodObjects> {
    const refs = referencedObjects(this.pod);
    const ns = this.pod.metadata.namespace;
    const objs: PodObjects = { configMaps: new Map(), secrets: new Map() };
    for (const n of refs.configMaps) {
      objs.configMaps.set(n, await this.#deps.api.readData("configmaps", ns, n));
    }
    for (const n of refs.secrets) {
      objs.secrets.set(n, await this.#deps.api.readData("secrets", ns, n));
    }
    return objs;
  }

  async #prepare(c: Container): Promise<Prepared> {
    let image;
    try {
      image = await this.#deps.images.resolve(c.image);
    } catch (e) {
      return { ok: false, reason: "ErrImagePull", message: (e as Error).message };
    }
    if (!image) {
      return {
        ok: false,
        reason: "ErrImagePull",
        message: `failed to pull and unpack image "${c.image}": not in the harness image map`,
      };
    }
    const identity = containerIdentity(this.pod, c, image.user);
    if (!identity.ok) return identity;
    const hostPath = this.#deps.baseEnv.PATH ?? "/usr/local/bin:/usr/bin:/bin";
    const cluster = this.#deps.cluster;
    const base = {
      ...this.#deps.baseEnv,
      ...(cluster ? serviceEnv(cluster.url) : {}),
      PATH: image.binDir ? `${image.binDir}:${hostPath}` : hostPath,
      HOSTNAME: this.pod.spec.hostname ?? this.pod.metadata.name,
      ...image.env,
    };
    const env = resolveEnv(this.pod, c, await this.#objects(), {
      base,
      fields: { podIP: this.podIP, hostIP: this.#deps.hostIP, nodeName: this.#deps.nodeName },
    });
    if (!env.ok) return { ok: false, reason: "CreateContainerConfigError", message: env.message };
    const argv = resolveArgv({ ...c, entrypoint: image.entrypoint, cmd: image.cmd }, env.env);
    if (argv.length === 0) {
      return { ok: false, reason: "CreateContainerError", message: "no command specified" };
    }
    try {
      const mounts = containerMounts(c, this.#volumes);
      const sa = this.#saMount;
      if (sa && !mounts.some((m) => m.target === sa.target)) mounts.push(sa);
      for (const m of mounts) await Deno.mkdir(m.source, { recursive: true }).catch(() => {});
      const fullEnv = { ...env.env, ...(this.#hostNetwork ? {} : this.#deps.podEnv(this.podIP)) };
      return {
        ok: true,
        spec: {
          argv,
          env: fullEnv,
          workingDir: c.workingDir ?? image.workingDir ?? "/",
          mounts,
          keep: harnessPaths(this.#dir, image.binDir),
          runAs: identity.runAs,
        },
      };
    } catch (e) {
      return { ok: false, reason: "CreateContainerConfigError", message: (e as Error).message };
    }
  }

  async #until(pred: () => boolean): Promise<void> {
    while (!pred() && !this.#terminating) {
      await new Promise<void>((resolve) => this.#waiters.add(resolve));
    }
  }

  async #sandbox(): Promise<boolean> {
    for (let attempt = 0; !this.#terminating; attempt++) {
      const objs = await this.#objects();
      const { paths, error } = await prepareVolumes(this.pod, this.#dir, objs)
        .catch((e) => ({ paths: new Map<string, string>(), error: String(e) }));
      const failure = error ?? await this.#serviceAccount();
      if (!failure) {
        this.#volumes = paths;
        this.#syncConfigMaps(configMapDigests(this.pod, objs));
        return true;
      }
      this.#deps.log.warn("Cannot mount volumes", { pod: this.#key, error: failure });
      for (const r of [...this.init, ...this.main]) r.setWaiting("ContainerCreating");
      await sleep(Math.min(this.#deps.backoffMaxMs, this.#deps.backoffBaseMs * 2 ** attempt));
    }
    return false;
  }

  /** Keeps configMap volumes up to date until the pod terminates (ConfigMaps are re-read). */
  async #syncConfigMaps(seen: Map<string, string>): Promise<void> {
    if (seen.size === 0) return;
    while (!this.#terminating) {
      // A period, cut short by termination (waiters are woken then) so no timer outlives it.
      await new Promise<void>((resolve) => {
        const done = () => (clearTimeout(timer), this.#waiters.delete(done), resolve());
        const timer = setTimeout(done, CONFIGMAP_SYNC_MS);
        this.#waiters.add(done);
      });
      if (this.#terminating) return;
      try {
        const objs = await this.#objects();
        await refreshConfigMaps(this.pod, this.#volumes, objs, seen);
      } catch (e) {
        this.#deps.log.warn("Cannot refresh configMap volumes", {
          pod: this.#key,
          error: String(e),
        });
      }
    }
  }

  /**
   * Unless the pod opts out, mounts a pod-bound token of its ServiceAccount (TokenRequest,
   * kept fresh) with ca.crt and namespace, and relays podIP:<API port> to the API server.
   * Returns why it could not (the sandbox retries).
   */
  async #serviceAccount(): Promise<string | undefined> {
    const cluster = this.#deps.cluster;
    if (!cluster || this.pod.spec.automountServiceAccountToken === false) return undefined;
    const dir = `${this.#dir}/serviceaccount`;
    const namespace = this.pod.metadata.namespace;
    await writeServiceAccount(dir, { caCertPem: cluster.caCertPem, namespace });
    const token = new ProjectedToken({
      request: () => this.#deps.api.requestToken(this.pod, TOKEN_SECONDS),
      write: (t) => writeToken(dir, t),
      onError: (e) =>
        this.#deps.log.warn("Cannot refresh the service account token", {
          pod: this.#key,
          error: String(e),
        }),
    });
    const failed = await token.start().then(() => undefined, (e) => String(e));
    if (failed) return `Cannot request a service account token: ${failed}`;
    this.#saToken = token;
    this.#saMount = { source: dir, target: SERVICE_ACCOUNT_DIR, readOnly: true };
    const u = new URL(cluster.url);
    const port = Number(u.port || (u.protocol === "https:" ? 443 : 80));
    if (!this.#hostNetwork) this.#relay.start(this.podIP, { hostname: u.hostname, port });
    return undefined;
  }

  async #run(): Promise<void> {
    await Deno.mkdir(`${this.#dir}/logs`, { recursive: true });
    if (this.init.length === 0) { for (const r of this.main) r.setWaiting("ContainerCreating"); }
    this.changed();
    if (!await this.#sandbox()) return;
    const policy = this.pod.spec.restartPolicy ?? "Always";
    for (const r of this.init) {
      if (this.#terminating) return;
      if (r.spec.restartPolicy === "Always") {
        r.supervise("Always");
        await this.#until(() => r.status().started);
        continue;
      }
      const exit = await r.supervise(policy === "Never" ? "Never" : "OnFailure");
      if (!exit || exit.exitCode !== 0) {
        if (!this.#terminating) await this.#stopSidecars(0);
        return;
      }
    }
    if (this.#terminating) return;
    await Promise.all(this.main.map((r) => r.supervise(policy)));
    if (!this.#terminating) await this.#stopSidecars(2000);
  }

  async #stopSidecars(graceMs: number): Promise<void> {
    const sidecars = this.init.filter((r) => r.spec.restartPolicy === "Always").reverse();
    const deadline = Date.now() + graceMs;
    for (const r of sidecars) await r.stop(Math.max(0, deadline - Date.now()));
  }

  /**
   * Stops every container (main ones first, then sidecars in reverse order) within
   * `graceMs`, then, when `deleteAfter`, deletes the pod with grace 0.
   */
  terminate(graceMs: number, deleteAfter: boolean): Promise<void> {
    this.#terminating ??= (async () => {
      for (const w of this.#waiters) w();
      const deadline = Date.now() + graceMs;
      const regular = [...this.main, ...this.init.filter((r) => r.spec.restartPolicy !== "Always")];
      await Promise.all(regular.map((r) => r.stop(graceMs)));
      await this.#stopSidecars(Math.max(0, deadline - Date.now()));
      await Promise.race([this.#ran, sleep(2000)]);
      if (deleteAfter) {
        await this.flush();
        await this.#deps.api.deletePodNow(this.pod).catch((e) =>
          this.#deps.log.warn("Cannot delete pod", { pod: this.#key, error: String(e) })
        );
      }
      this.#gone = true;
      await this.flush();
      await this.#saToken?.stop();
      await this.#relay.stop();
      this.#deps.ipPool.release(this.pod.metadata.uid);
      await Deno.remove(this.#dir, { recursive: true }).catch(() => {});
    })();
    return this.#terminating;
  }

  /** True once termination has started. */
  get terminating(): boolean {
    return this.#terminating !== undefined;
  }

  /** The status the containers imply now. */
  computeStatus(): PodStatus {
    return computePodStatus(
      this.pod,
      {
        podIP: this.podIP,
        hostIP: this.#deps.hostIP,
        startTime: this.#startTime,
        init: this.init.map((r) => r.status()),
        main: this.main.map((r) => r.status()),
      },
      this.#written ?? this.pod.status,
      new Date().toISOString(),
    );
  }

  /** Notes a change: wakes waiters and schedules a status write. */
  changed(): void {
    for (const w of this.#waiters) w();
    this.#waiters.clear();
    this.#dirty = true;
    this.#startSync();
  }

  /**
   * Runs the status writer unless it runs already. A change noted after its loop saw no more
   * work but before its promise settled would otherwise be left unwritten: it starts again.
   */
  #startSync(): void {
    this.#syncing ??= this.#sync().finally(() => {
      this.#syncing = undefined;
      if (this.#dirty && !this.#gone) this.#startSync();
    });
  }

  /** Waits until the latest status is written. */
  async flush(): Promise<void> {
    while (this.#syncing) await this.#syncing;
  }

  async #sync(): Promise<void> {
    await sleep(10); // coalesce bursts of changes into one write
    while (this.#dirty && !this.#gone) {
      this.#dirty = false;
      const status = this.computeStatus();
      if (!statusChanged(status, this.#written)) continue;
      try {
        await this.#deps.api.patchStatus(this.pod, status);
        this.#written = status;
      } catch (e) {
        if ((e as { code?: number }).code === 404) return;
        this.#deps.log.warn("Cannot write pod status", { pod: this.#key, error: String(e) });
        this.#dirty = true;
        await sleep(500);
      }
    }
  }
}
