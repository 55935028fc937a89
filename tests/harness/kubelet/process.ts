/**
 * One container instance as a host process: its own session and process group (setsid), its
 * own mount namespace with the pod's volumes (unshare), output to a CRI log file and to
 * attached clients, an optional stdin pipe. Stopping it signals the whole group.
 *
 * @module
 */

import { LogWriter } from "./logs.ts";
import { type RunAs, setprivArgs } from "./security.ts";
import { type Mount, mountScript } from "./volumes.ts";

/** Host tools found once at start. */
export interface HostTools {
  setsid: string;
  unshare: string;
  nsenter: string;
  sh: string;
  /** util-linux setpriv: the container's user, and `--pdeathsig KILL` (dies with the kubelet). */
  setpriv: string;
}

/** Finds setsid, unshare, nsenter, setpriv and sh on the host (not in an image's PATH). */
export async function findHostTools(): Promise<HostTools> {
  const find = async (name: string) => {
    for (const dir of ["/usr/bin", "/bin", "/usr/sbin", "/sbin"]) {
      const p = `${dir}/${name}`;
      if (await Deno.stat(p).then((s) => s.isFile, () => false)) return p;
    }
    throw new Error(`Cannot find host tool "${name}": not in /usr/bin, /bin, /usr/sbin, /sbin`);
  };
  return {
    setsid: await find("setsid"),
    unshare: await find("unshare"),
    nsenter: await find("nsenter"),
    sh: await find("sh"),
    setpriv: await find("setpriv"),
  };
}

/** What to run. */
export interface ProcessSpec {
  argv: string[];
  env: Record<string, string>;
  workingDir: string;
  mounts: Mount[];
  /** Host paths that stay visible even under a volume's mountpoint (see mountScript). */
  keep?: string[];
  stdin: boolean;
  logPath: string;
  /** The user to run as (see security.ts). Default: the kubelet's own (root). */
  runAs?: RunAs;
}

/**
 * The prefix that execs a program as `runAs` and makes it die with the kubelet: setpriv with
 * `--pdeathsig KILL` (applied after the uid change, which would otherwise clear it).
 */
export function launchPrefix(tools: HostTools, runAs: RunAs | undefined): string[] {
  return [tools.setpriv, "--pdeathsig", "KILL", ...setprivArgs(runAs), "--"];
}

/** How a process ended. */
export interface ProcessExit {
  exitCode: number;
  signal?: number;
}

type Listener = (stream: "stdout" | "stderr", bytes: Uint8Array) => void;

const SIGNALS: Record<string, number> = { SIGKILL: 9, SIGTERM: 15, SIGINT: 2, SIGHUP: 1 };

/** A running container instance. */
export class ContainerProcess {
  /** The pid (also the process group id). */
  readonly pid: number;
  /** When it started. */
  readonly startedAt: Date;
  /** Resolves when the process has ended and its output is flushed. */
  readonly exited: Promise<ProcessExit>;
  #child: Deno.ChildProcess;
  #listeners = new Set<Listener>();
  #stdin?: WritableStreamDefaultWriter<Uint8Array>;
  #done = false;

  private constructor(child: Deno.ChildProcess, log: LogWriter, stdin: boolean) {
    this.#child = child;
    this.pid = child.pid;
    this.startedAt = new Date();
    if (stdin) this.#stdin = child.stdin.getWriter();
    const pumps = [
      this.#pump(child.stdout, "stdout", log),
      this.#pump(child.stderr, "stderr", log),
    ];
    this.exited = (async () => {
      const status = await child.status;
      this.#done = true;
      this.#killGroup("SIGKILL"); // the rest of the container dies with its main process
      await Promise.race([Promise.all(pumps), new Promise((r) => setTimeout(r, 1000))]);
      log.close();
      await this.#stdin?.close().catch(() => {});
      const signal = status.signal ? SIGNALS[status.signal] ?? 9 : undefined;
      return { exitCode: signal ? 128 + signal : status.code, signal };
    })();
  }

  /** Starts `spec` in a new session and mount namespace. */
  static async start(spec: ProcessSpec, tools: HostTools): Promise<ContainerProcess> {
    const log = await LogWriter.open(spec.logPath);
    const script = mountScript(spec.mounts, spec.workingDir, spec.keep);
    const child = new Deno.Command(tools.setsid, {
      args: [
        tools.unshare,
        "--mount",
        "--propagation",
        "private",
        tools.sh,
        "-c",
        script,
        "sh",
        ...launchPrefix(tools, spec.runAs),
        ...spec.argv,
      ],
      env: spec.env,
      clearEnv: true,
      stdin: spec.stdin ? "piped" : "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    return new ContainerProcess(child, log, spec.stdin);
  }

  async #pump(stream: ReadableStream<Uint8Array>, name: "stdout" | "stderr", log: LogWriter) {
    const dec = new TextDecoder();
    for await (const chunk of stream) {
      log.write(name, dec.decode(chunk, { stream: true }));
      for (const l of this.#listeners) l(name, chunk);
    }
  }

  /** True while the main process runs. */
  get running(): boolean {
    return !this.#done;
  }

  /** Subscribes to raw output; returns the unsubscribe function. */
  onOutput(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Writes to the container's stdin (when it has one). */
  async writeStdin(bytes: Uint8Array): Promise<void> {
    await this.#stdin?.write(bytes).catch(() => {});
  }

  /** Closes the container's stdin (the end of a `stdinOnce` attach). */
  async closeStdin(): Promise<void> {
    await this.#stdin?.close().catch(() => {});
  }

  /** Whether the container has a stdin pipe. */
  get hasStdin(): boolean {
    return this.#stdin !== undefined;
  }

  #killGroup(sig: Deno.Signal) {
    try {
      Deno.kill(-this.pid, sig);
    } catch {
      // the group is gone
    }
  }

  /** SIGTERM to the group, SIGKILL after `graceMs`; resolves when it has ended. */
  async stop(graceMs: number): Promise<ProcessExit> {
    if (this.#done) return await this.exited;
    this.#killGroup("SIGTERM");
    let timer: ReturnType<typeof setTimeout> | undefined;
    const killed = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.#killGroup("SIGKILL");
        resolve();
      }, graceMs);
    });
    await Promise.race([this.exited, killed]);
    clearTimeout(timer);
    return await this.exited;
  }

  /** The spawned child (for tests). */
  get child(): Deno.ChildProcess {
    return this.#child;
  }
}
