/**
 * Machine-wide claims of pod-IP ranges, so harness clusters (and test files) run side by side:
 * each kubelet holds an exclusive advisory lock (flock) on `<dir>/<prefix>.lock` for the /24 it
 * uses, with its pid written inside for people reading the directory. The kernel drops the lock
 * when the owner exits, however it exits (kill -9 too), so a lock left by a dead process is
 * simply taken over. Lock files are never deleted: unlinking a locked file lets two processes
 * lock two different inodes under one name.
 *
 * @module
 */

/** Where the lock files live (shared by every harness on the machine). */
export const DEFAULT_CLAIM_DIR = "/tmp/nmcp-harness-ip";

/** A /24 under 127.0.0.0/8 held by this process until `release()`. */
export interface IpRangeClaim {
  /** First three octets, e.g. `127.1.0`. */
  readonly prefix: string;
  /** Drops the lock (idempotent). */
  release(): void;
}

/** Options of {@linkcode claimIpRange}. */
export interface ClaimOptions {
  /** A given range (first three octets); without it the first free one is taken. */
  prefix?: string;
  /** Lock directory. Default {@linkcode DEFAULT_CLAIM_DIR}. */
  dir?: string;
  /** How many ranges to try before giving up. Default 1024. */
  maxTries?: number;
}

const PREFIX = /^127\.(\d{1,3})\.(\d{1,3})$/;

/**
 * Why `prefix` cannot be a pod-IP range, or undefined when it can: three octets under
 * 127.0.0.0/8, never 127.0.0 (the host's own loopback) nor 127.0.1 (Debian's hostname entry).
 */
export function invalidPrefix(prefix: string): string | undefined {
  const m = PREFIX.exec(prefix);
  if (!m || Number(m[1]) > 255 || Number(m[2]) > 255) return "not three octets 127.a.b";
  if (m[1] === "0" && (m[2] === "0" || m[2] === "1")) return "reserved for the host";
  return undefined;
}

/** The `i`-th candidate range of the automatic claim: 127.1.0, 127.1.1, … 127.254.255. */
export function candidatePrefix(i: number): string {
  const n = i % (254 * 256);
  return `127.${1 + Math.floor(n / 256)}.${n % 256}`;
}

function lockPath(dir: string, prefix: string): string {
  return `${dir}/${prefix}.lock`;
}

/** Tries to lock one range; the open, locked file on success. */
function tryLock(dir: string, prefix: string): Deno.FsFile | undefined {
  const file = Deno.openSync(lockPath(dir, prefix), { create: true, read: true, write: true });
  if (!file.tryLockSync(true)) {
    file.close();
    return undefined;
  }
  file.truncateSync(0);
  file.writeSync(new TextEncoder().encode(`${Deno.pid}\n`));
  return file;
}

function holder(dir: string, prefix: string): string {
  try {
    return `held by pid ${Deno.readTextFileSync(lockPath(dir, prefix)).trim() || "?"}`;
  } catch {
    return "held by another process";
  }
}

function claimed(prefix: string, file: Deno.FsFile): IpRangeClaim {
  let open = true;
  return {
    prefix,
    release() {
      if (!open) return;
      open = false;
      file.close();
    },
  };
}

/** Claims `opts.prefix`, or the first range no live harness on the machine holds. */
export function claimIpRange(opts: ClaimOptions = {}): IpRangeClaim {
  const dir = opts.dir ?? DEFAULT_CLAIM_DIR;
  Deno.mkdirSync(dir, { recursive: true, mode: 0o1777 });
  if (opts.prefix !== undefined) {
    const bad = invalidPrefix(opts.prefix);
    if (bad) throw new RangeError(`Cannot claim pod IP range "${opts.prefix}": ${bad}`);
    const file = tryLock(dir, opts.prefix);
    if (!file) {
      throw new Error(
        `Cannot claim pod IP range "${opts.prefix}.0/24": ${holder(dir, opts.prefix)} (${
          lockPath(dir, opts.prefix)
        })`,
      );
    }
    return claimed(opts.prefix, file);
  }
  const tries = opts.maxTries ?? 1024;
  for (let i = 0; i < tries; i++) {
    const prefix = candidatePrefix(i);
    const file = tryLock(dir, prefix);
    if (file) return claimed(prefix, file);
  }
  throw new Error(`Cannot claim pod IP range "auto": the first ${tries} ranges in ${dir} are held`);
}
