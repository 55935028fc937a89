/**
 * The set-up shared by `deno task demo`, `deno task test` (and so `.ci/run`): finds what the
 * machine lacks (scripts/setup/plan.ts), installs it with apt-get when root (opt out with
 * NMCP_NO_INSTALL=1), else says in one line what is missing and how to get it; then builds the
 * plugin bundle dist/kubectl-nmcp when missing or stale, so `kubectl nmcp` starts fast.
 *
 * `deno run -A scripts/setup.ts [demo|test]` runs it alone.
 */

import { bundle } from "./bundle.ts";
import {
  missingMessage,
  plan,
  type Purpose,
  type Requirement,
  REQUIREMENTS,
} from "./setup/plan.ts";

const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

/** Options of {@linkcode setUp}. */
export interface SetupOptions {
  /** The repository root. Default: the one holding this file. */
  root?: string;
  /** What to check. Default {@linkcode REQUIREMENTS}. */
  requirements?: Requirement[];
  /** Whether to build the plugin bundle. Default true. */
  bundle?: boolean;
  /** Receives progress lines. Default: stderr. */
  log?: (line: string) => void;
}

/** On PATH as an executable file. */
function onPath(command: string): Promise<boolean> {
  const dirs = (Deno.env.get("PATH") ?? "").split(":").filter((d) => d);
  return anyFile(dirs.map((d) => `${d}/${command}`), true);
}

async function anyFile(paths: string[], executable = false): Promise<boolean> {
  for (const p of paths) {
    const ok = await Deno.stat(p).then(
      (s) => s.isFile && (!executable || ((s.mode ?? 0o111) & 0o111) !== 0),
      () => false,
    );
    if (ok) return true;
  }
  return false;
}

/** True when the machine has `r`. */
export async function has(r: Requirement): Promise<boolean> {
  if ("files" in r.probe) return await anyFile(r.probe.files);
  if ("command" in r.probe) return await onPath(r.probe.command);
  const [cmd, ...args] = r.probe.run;
  try {
    const quiet = { stdin: "null", stdout: "null", stderr: "null" } as const;
    return (await new Deno.Command(cmd, { args, ...quiet }).output()).success;
  } catch {
    return false; // not there to run
  }
}

async function missingOf(list: Requirement[]): Promise<Requirement[]> {
  const found = await Promise.all(list.map(has));
  return list.filter((_, i) => !found[i]);
}

/** Runs apt-get update and install; the last line of its stderr when it fails. */
async function aptInstall(packages: string[]): Promise<string | undefined> {
  const env = { DEBIAN_FRONTEND: "noninteractive" };
  for (const args of [["update", "-qq"], ["install", "-y", "-qq", ...packages]]) {
    const out = await new Deno.Command("apt-get", { args, env, stdin: "null", stdout: "null" })
      .output();
    if (!out.success) {
      const err = new TextDecoder().decode(out.stderr).trim().split("\n").at(-1) ?? "";
      return `apt-get ${args[0]} exited ${out.code}: ${err}`;
    }
  }
  return undefined;
}

/**
 * Makes the machine ready for `purpose`: undefined when it is, else the one-line message
 * saying what is missing and how to get it.
 */
export async function ensurePackages(
  purpose: Purpose,
  opts: SetupOptions = {},
): Promise<string | undefined> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const wanted = (opts.requirements ?? REQUIREMENTS).filter((r) => r.for.includes(purpose));
  const missing = await missingOf(wanted);
  const host = {
    root: Deno.uid() === 0,
    aptGet: await onPath("apt-get"),
    install: Deno.env.get("NMCP_NO_INSTALL") !== "1",
  };
  const next = plan(purpose, missing, host);
  if (next.kind === "ready") return undefined;
  if (next.kind === "missing") return next.message;
  log(
    `setup: apt-get install ${next.packages.join(" ")} (missing ${
      missing.map((r) => r.name).join(", ")
    })`,
  );
  const failed = await aptInstall(next.packages);
  const still = await missingOf(missing);
  if (still.length === 0) return undefined;
  return missingMessage(purpose, still, failed ?? "still missing after apt-get install");
}

const BUNDLE = "dist/kubectl-nmcp";
const STAMP = ".sources";
/** What the plugin bundle is built from (cli/ imports lib/ and operator/). */
const SOURCE_DIRS = ["cli", "lib", "operator", "gateway"];
const SOURCE_FILES = ["deno.json", "deno.lock", "scripts/bundle.ts"];

async function* sourceFiles(root: string, dir: string): AsyncGenerator<string> {
  const entries = await Array.fromAsync(Deno.readDir(`${root}/${dir}`)).catch(() => []);
  for (const e of entries.sort((a, b) => a.name < b.name ? -1 : 1)) {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory) yield* sourceFiles(root, rel);
    else if (e.name.endsWith(".ts") && !e.name.endsWith("_test.ts")) yield rel;
  }
}

/** A hash of every file the plugin bundle is built from: it changes when any of them does. */
export async function sourceFingerprint(root: string): Promise<string> {
  const parts: string[] = [];
  const files = [...SOURCE_FILES];
  for (const d of SOURCE_DIRS) files.push(...await Array.fromAsync(sourceFiles(root, d)));
  for (const f of files) {
    parts.push(f, await Deno.readTextFile(`${root}/${f}`).catch(() => "(absent)"));
  }
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(parts.join("\0")));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/**
 * Builds dist/kubectl-nmcp (what bin/kubectl-nmcp runs) when it is missing or built from other
 * sources; undefined when it is fresh, else why it could not be built (the stale bundle is then
 * removed, so the launcher runs the source).
 */
export async function ensureBundle(
  root: string,
  log: (l: string) => void,
): Promise<string | undefined> {
  const out = `${root}/${BUNDLE}`;
  const fingerprint = await sourceFingerprint(root);
  const stamp = await Deno.readTextFile(`${out}/${STAMP}`).catch(() => "");
  if (stamp === fingerprint && await anyFile([`${out}/main.js`])) return undefined;
  log(`setup: building ${BUNDLE} (the plugin bundle bin/kubectl-nmcp runs)`);
  const tmp = `${root}/dist/.kubectl-nmcp-${crypto.randomUUID()}`;
  const entry = {
    entry: `${root}/cli/main.ts`,
    out: tmp,
    split: true,
    config: `${root}/deno.json`,
  };
  const built = await bundle(entry).catch(() => false);
  await Deno.remove(out, { recursive: true }).catch(() => {});
  if (!built) {
    await Deno.remove(tmp, { recursive: true }).catch(() => {});
    return `Cannot build "${BUNDLE}": deno bundle failed (bin/kubectl-nmcp runs the source)`;
  }
  await Deno.writeTextFile(`${tmp}/${STAMP}`, fingerprint);
  // A concurrent set-up may have put its own (equally fresh) bundle there first: keep that one.
  await Deno.rename(tmp, out).catch(() => Deno.remove(tmp, { recursive: true }));
  return undefined;
}

/**
 * A warning when a directory above `root` is closed to other users (e.g. a clone in /root, mode
 * 700): Deno in the harness pods (uid 65532) then re-downloads every npm package at each start.
 */
export async function closedAncestor(root: string): Promise<string | undefined> {
  for (let dir = root; dir.length > 1; dir = dir.slice(0, dir.lastIndexOf("/")) || "/") {
    const mode = (await Deno.stat(dir).catch(() => undefined))?.mode ?? 0o755;
    if ((mode & 0o001) === 0) {
      return `setup: "${dir}" is closed to other users (mode ${(mode & 0o777).toString(8)}): ` +
        `harness pods start slowly from this clone (clone elsewhere, or chmod o+x "${dir}")`;
    }
  }
  return undefined;
}

/** The whole set-up for `purpose`; undefined when ready, else the one-line message. */
export async function setUp(
  purpose: Purpose,
  opts: SetupOptions = {},
): Promise<string | undefined> {
  const log = opts.log ?? ((l: string) => console.error(l));
  const problem = await ensurePackages(purpose, { ...opts, log });
  if (problem || opts.bundle === false) return problem;
  const root = opts.root ?? ROOT;
  const closed = await closedAncestor(root);
  if (closed) log(closed);
  const bundled = await ensureBundle(root, log);
  if (bundled) log(`setup: ${bundled}`);
  return undefined;
}

if (import.meta.main) {
  const purpose = Deno.args[0] === "demo" ? "demo" : "test";
  const problem = await setUp(purpose);
  if (problem) console.error(problem);
  Deno.exit(problem ? 1 : 0);
}
