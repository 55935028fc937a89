/** Process-tree figures from /proc (Linux): descendants and their summed resident memory. */

/** Parent pid from the text of `/proc/PID/stat` (pure; the command name may hold spaces). */
export function parentOf(stat: string): number {
  const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(rest[1]);
}

/** A size in KiB (VmRSS, VmHWM…) from the text of `/proc/PID/status` (pure); 0 when absent. */
export function statusKiB(status: string, field = "VmRSS"): number {
  return Number(status.match(new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m"))?.[1] ?? 0);
}

/** Resident set size in KiB from the text of `/proc/PID/status` (pure); 0 when absent. */
export function rssKiB(status: string): number {
  return statusKiB(status);
}

/** Spawns `argv` with piped stdin and stdout (newline-delimited JSON-RPC), stderr inherited. */
export function spawnPiped(argv: string[]): Deno.ChildProcess {
  return new Deno.Command(argv[0], {
    args: argv.slice(1),
    stdin: "piped",
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
}

function readOr(path: string): string {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return ""; // the process ended while we looked
  }
}

/** Pids of every live descendant of `root`. */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const e of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(e.name)) continue;
    const stat = readOr(`/proc/${e.name}/stat`);
    if (!stat) continue;
    const ppid = parentOf(stat);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(e.name)]);
  }
  const out: number[] = [];
  const todo = [root];
  while (todo.length) {
    for (const c of children.get(todo.pop()!) ?? []) {
      out.push(c);
      todo.push(c);
    }
  }
  return out;
}

/** Process count and summed VmRSS (MiB) of `root` and its descendants. */
export function treeUsage(root: number): { processes: number; rssMiB: number } {
  const pids = [root, ...descendants(root)];
  const kib = pids.reduce((sum, p) => sum + rssKiB(readOr(`/proc/${p}/status`)), 0);
  return { processes: pids.length, rssMiB: Math.round(kib / 102.4) / 10 };
}

/** Samples {@linkcode treeUsage} every `everyMs` until stopped; returns the peaks. */
export function samplePeak(root: number, everyMs = 250) {
  const peak = { processes: 0, rssMiB: 0 };
  const take = () => {
    const u = treeUsage(root);
    peak.processes = Math.max(peak.processes, u.processes);
    peak.rssMiB = Math.max(peak.rssMiB, u.rssMiB);
  };
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return peak;
    },
  };
}
