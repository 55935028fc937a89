/**
 * One container of a pod across its restarts: start, probes, exit, restart policy with
 * exponential back-off (CrashLoopBackOff), and the containerStatuses entry it implies.
 *
 * @module
 */

import {
  ContainerProcess,
  type HostTools,
  launchPrefix,
  type ProcessExit,
  type ProcessSpec,
} from "./process.ts";
import { ProbeLoop } from "./probes.ts";
import type { Container, ContainerState, ContainerStatus } from "./types.ts";

/** The outcome of preparing a start: a process spec, or a waiting reason. */
export type Prepared =
  | { ok: true; spec: Omit<ProcessSpec, "logPath" | "stdin"> }
  | { ok: false; reason: string; message: string };

/** What a runner needs from its pod. */
export interface RunnerDeps {
  tools: HostTools;
  podIP: string;
  logDir: string;
  imageID: string;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** Builds the process spec (env, argv, mounts) for the next start. */
  prepare(): Promise<Prepared>;
  /** Called on every status change. */
  changed(): void;
  /** Records a kubelet Event about this container (Created, Started, BackOff, …). */
  event?(type: "Normal" | "Warning", reason: string, message: string): void;
}

const now = () => new Date().toISOString();

/** Back-off before restart number `n` (0-based): base·2ⁿ capped at max. */
export function backoffDelay(n: number, baseMs: number, maxMs: number): number {
  return Math.min(maxMs, baseMs * 2 ** Math.min(n, 30));
}

function hex64(): string {
  return [...crypto.getRandomValues(new Uint8Array(32))].map((b) => b.toString(16).padStart(2, "0"))
    .join("");
}

/** Runs and supervises one container. */
export class ContainerRunner {
  readonly spec: Container;
  /** The current instance, if any. */
  process?: ContainerProcess;
  #deps: RunnerDeps;
  #state: ContainerState = { waiting: { reason: "PodInitializing" } };
  #lastState: ContainerState = {};
  #ready = false;
  #started = false;
  #restarts = 0;
  #containerID?: string;
  #stopping = false;
  #wake?: () => void;
  #probes: ProbeLoop[] = [];
  #instance = 0;
  /** False for a regular init container: it is never ready, it only completes. */
  #long = true;
  #graceMs = 30_000;
  /** Process groups of exec sessions: they die with the container, as in its PID namespace. */
  #execGroups = new Set<number>();
  #lastSpec?: Omit<ProcessSpec, "logPath" | "stdin">;

  constructor(spec: Container, deps: RunnerDeps) {
    this.spec = spec;
    this.#deps = deps;
  }

  /** The containerStatuses entry. */
  status(): ContainerStatus {
    const s: ContainerStatus = {
      name: this.spec.name,
      state: this.#state,
      lastState: this.#lastState,
      ready: this.#ready,
      started: this.#started,
      restartCount: this.#restarts,
      image: this.spec.image,
      imageID: this.#deps.imageID,
    };
    if (this.#containerID) s.containerID = this.#containerID;
    return s;
  }

  /** Log file of instance `n` (0-based). */
  logPath(n: number): string {
    return `${this.#deps.logDir}/${this.spec.name}/${n}.log`;
  }

  /** Index of the latest instance that started (−1 if none). */
  get lastInstance(): number {
    return this.#instance - 1;
  }

  #event(type: "Normal" | "Warning", reason: string, message: string) {
    this.#deps.event?.(type, reason, message);
  }

  #set(state: ContainerState) {
    this.#state = state;
    this.#deps.changed();
  }

  async #sleep(ms: number) {
    await new Promise<void>((resolve) => {
      const t = setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(t);
        resolve();
      };
    });
    this.#wake = undefined;
  }

  /** Sets the waiting reason shown before the container first starts. */
  setWaiting(reason: string, message?: string): void {
    if (this.#state.waiting?.reason === reason) return;
    this.#set({ waiting: message ? { reason, message } : { reason } });
  }

  /**
   * Starts and restarts per `policy` until stopped; resolves with the last exit (undefined if
   * it never ran).
   */
  async supervise(policy: "Always" | "OnFailure" | "Never"): Promise<ProcessExit | undefined> {
    let last: ProcessExit | undefined;
    let pullFailures = 0;
    let configFailures = 0; // CreateContainerConfigError and the like back off too
    while (!this.#stopping) {
      const prep = await this.#deps.prepare().catch((e): Prepared => ({
        ok: false,
        reason: "CreateContainerError",
        message: String(e),
      }));
      if (this.#stopping) break;
      if (!prep.ok) {
        const pull = prep.reason === "ErrImagePull";
        const reason = pull && pullFailures++ > 0 ? "ImagePullBackOff" : prep.reason;
        const message = reason === "ImagePullBackOff"
          ? `Back-off pulling image "${this.spec.image}"`
          : prep.message;
        this.#set({ waiting: { reason, message } });
        if (reason === "ImagePullBackOff") this.#event("Normal", "BackOff", message);
        else if (pull) {
          this.#event("Warning", "Failed", `Failed to pull image "${this.spec.image}": ${message}`);
        } else this.#event("Warning", "Failed", `Error: ${message}`);
        const n = pull ? pullFailures : configFailures++;
        await this.#sleep(backoffDelay(n, this.#deps.backoffBaseMs, this.#deps.backoffMaxMs));
        continue;
      }
      try {
        last = await this.#runInstance(prep.spec);
      } catch (e) {
        this.#set({ waiting: { reason: "RunContainerError", message: String(e) } });
        await this.#sleep(
          backoffDelay(this.#restarts, this.#deps.backoffBaseMs, this.#deps.backoffMaxMs),
        );
        continue;
      }
      if (this.#stopping) break;
      const restart = policy === "Always" || (policy === "OnFailure" && last.exitCode !== 0);
      if (!restart) break;
      const delay = backoffDelay(this.#restarts, this.#deps.backoffBaseMs, this.#deps.backoffMaxMs);
      this.#lastState = this.#state;
      this.#event("Warning", "BackOff", `Back-off restarting failed container ${this.spec.name}`);
      this.#set({
        waiting: {
          reason: "CrashLoopBackOff",
          message: `back-off ${
            Math.round(delay / 1000)
          }s restarting failed container=${this.spec.name}`,
        },
      });
      await this.#sleep(delay);
      if (this.#stopping) break;
      this.#restarts++;
    }
    return last;
  }

  async #runInstance(spec: Omit<ProcessSpec, "logPath" | "stdin">): Promise<ProcessExit> {
    const n = this.#instance++;
    this.#event(
      "Normal",
      "Pulled",
      `Container image "${this.spec.image}" already present on machine`,
    );
    await Deno.mkdir(`${this.#deps.logDir}/${this.spec.name}`, { recursive: true });
    const proc = await ContainerProcess.start(
      { ...spec, stdin: this.spec.stdin ?? false, logPath: this.logPath(n) },
      this.#deps.tools,
    );
    this.process = proc;
    this.#lastSpec = spec;
    if (this.#stopping) proc.stop(0).catch(() => {}); // stop() came while it was starting
    this.#containerID = `containerd://${hex64()}`;
    const startedAt = proc.startedAt.toISOString();
    this.#started = !this.spec.startupProbe;
    this.#ready = this.#started && !this.spec.readinessProbe && this.#isLongRunning();
    this.#set({ running: { startedAt } });
    this.#event("Normal", "Created", `Created container: ${this.spec.name}`);
    this.#event("Normal", "Started", `Started container ${this.spec.name}`);
    this.#startProbes(proc);
    const exit = await proc.exited;
    this.#killExecs();
    this.#stopProbes();
    this.#ready = false;
    this.#started = false;
    this.#set({
      terminated: {
        exitCode: exit.exitCode,
        ...(exit.signal ? { signal: exit.signal } : {}),
        reason: exit.exitCode === 0 ? "Completed" : "Error",
        startedAt,
        finishedAt: now(),
        containerID: this.#containerID,
      },
    });
    return exit;
  }

  /** Marks a regular init container (never ready, only completes). */
  markInit(): void {
    this.#long = false;
  }

  #isLongRunning(): boolean {
    return this.#long;
  }

  #startProbes(proc: ContainerProcess) {
    const target = {
      podIP: this.#deps.podIP,
      ports: this.spec.ports,
      exec: (argv: string[], timeoutMs: number) => this.execProbe(argv, timeoutMs),
    };
    const startReadiness = () => {
      if (!this.spec.readinessProbe || !this.#long) return;
      this.#add(this.spec.readinessProbe, target, (ok) => {
        if (!ok) this.#event("Warning", "Unhealthy", "Readiness probe failed");
        this.#ready = ok;
        this.#deps.changed();
      });
    };
    const startLiveness = () => {
      if (!this.spec.livenessProbe) return;
      this.#add(this.spec.livenessProbe, target, (ok) => {
        if (ok) return;
        this.#event("Warning", "Unhealthy", "Liveness probe failed");
        this.#event(
          "Normal",
          "Killing",
          `Container ${this.spec.name} failed liveness probe, will be restarted`,
        );
        proc.stop(this.#graceMs).catch(() => {});
      });
    };
    if (!this.spec.startupProbe) {
      startReadiness();
      startLiveness();
      return;
    }
    this.#add(this.spec.startupProbe, target, (ok) => {
      if (!ok) {
        this.#event("Warning", "Unhealthy", "Startup probe failed");
        proc.stop(this.#graceMs).catch(() => {});
        return;
      }
      this.#started = true;
      this.#ready = !this.spec.readinessProbe && this.#long;
      this.#deps.changed();
      startReadiness();
      startLiveness();
    }, true);
  }

  /** Sets the grace period used when a liveness or startup probe kills the container. */
  setGrace(ms: number): void {
    this.#graceMs = ms;
  }

  #add(
    probe: ContainerProbe,
    target: ConstructorParameters<typeof ProbeLoop>[1],
    onResult: (ok: boolean) => void,
    once = false,
  ) {
    const loop = new ProbeLoop(probe, target, (ok) => {
      if (once && ok) loop.stop();
      onResult(ok);
    });
    this.#probes.push(loop);
    loop.start();
  }

  #stopProbes() {
    for (const p of this.#probes) p.stop();
    this.#probes = [];
  }

  /** Runs `argv` in the running container (a probe); resolves to the exit code. */
  async execProbe(argv: string[], timeoutMs: number): Promise<number> {
    const child = this.exec(argv, { stdin: false, stdout: "null", stderr: "null" });
    if (!child) return 1;
    const timer = setTimeout(() => {
      try {
        Deno.kill(-child.pid, "SIGKILL");
      } catch { /* gone */ }
    }, timeoutMs);
    try {
      return (await child.status).code;
    } finally {
      clearTimeout(timer);
    }
  }

  #killExecs() {
    for (const pgid of this.#execGroups) {
      try {
        Deno.kill(-pgid, "SIGKILL");
      } catch { /* gone */ }
    }
    this.#execGroups.clear();
  }

  /**
   * Starts `argv` in the container's mount namespace with its env and user; undefined if not
   * running.
   */
  exec(
    argv: string[],
    io: { stdin: boolean; stdout: "piped" | "null"; stderr: "piped" | "null" },
  ): Deno.ChildProcess | undefined {
    const proc = this.process;
    const spec = this.#lastSpec;
    if (!proc?.running || !spec) return undefined;
    const t = this.#deps.tools;
    const child = new Deno.Command(t.setsid, {
      args: [
        t.nsenter,
        "-t",
        String(proc.pid),
        "-m",
        `--wd=${spec.workingDir}`,
        "--",
        ...launchPrefix(t, spec.runAs),
        ...argv,
      ],
      env: spec.env,
      clearEnv: true,
      stdin: io.stdin ? "piped" : "null",
      stdout: io.stdout,
      stderr: io.stderr,
    }).spawn();
    this.#execGroups.add(child.pid);
    return child;
  }

  /** Stops supervising and the running instance (SIGTERM, SIGKILL after `graceMs`). */
  async stop(graceMs: number): Promise<void> {
    this.#stopping = true;
    this.#wake?.();
    this.#killExecs();
    const proc = this.process;
    if (proc?.running) {
      this.#event("Normal", "Killing", `Stopping container ${this.spec.name}`);
      await proc.stop(graceMs);
    }
    if (!this.#state.terminated && !this.#state.running) {
      this.#set({ waiting: this.#state.waiting ?? { reason: "PodInitializing" } });
    }
  }

  /** True once stop() was called. */
  get stopping(): boolean {
    return this.#stopping;
  }
}

type ContainerProbe = NonNullable<Container["readinessProbe"]>;
