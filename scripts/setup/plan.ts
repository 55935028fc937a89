/**
 * What `deno task demo` and `deno task test` need from the machine, and the pure decision of
 * what to do about what is missing: install it with apt-get, or say in one line how to get it.
 */

/** Who asks: the demo needs the harness; the whole test suite needs a little more. */
export type Purpose = "demo" | "test";

/** How a requirement is found: a file at one of these paths, a command on PATH, or a run. */
export type Probe =
  | { files: string[] }
  | { command: string }
  | { run: string[] };

/** One thing the machine must have. */
export interface Requirement {
  /** What is missing, as said to a person ("/bin/busybox", "cc"). */
  name: string;
  probe: Probe;
  /** The Debian packages providing it; empty when apt cannot. */
  packages: string[];
  /** Where to get it when apt cannot. */
  hint?: string;
  /** The purposes that need it. */
  for: Purpose[];
}

const BOTH: Purpose[] = ["demo", "test"];
const SYSTEM_DIRS = ["/usr/bin", "/bin", "/usr/sbin", "/sbin"];

/** A util-linux tool the harness kubelet looks up in the system directories. */
const hostTool = (name: string): Requirement => ({
  name,
  probe: { files: SYSTEM_DIRS.map((d) => `${d}/${name}`) },
  packages: ["util-linux"],
  for: BOTH,
});

/** Everything the demo and the suite use from the machine (the harness finds these itself). */
export const REQUIREMENTS: Requirement[] = [
  {
    name: "kubectl",
    probe: { command: "kubectl" },
    packages: [],
    hint: "https://kubernetes.io/docs/tasks/tools/",
    for: BOTH,
  },
  { name: "npx", probe: { command: "npx" }, packages: ["npm"], for: BOTH },
  {
    name: "/bin/busybox",
    probe: { files: ["/bin/busybox"] },
    packages: ["busybox-static"],
    for: BOTH,
  },
  { name: "openssl", probe: { command: "openssl" }, packages: ["openssl"], for: BOTH },
  ...["unshare", "nsenter", "setsid", "setpriv"].map(hostTool),
  // The harness netshim is compiled on first use.
  { name: "cc", probe: { command: "cc" }, packages: ["gcc", "libc6-dev"], for: BOTH },
  { name: "git", probe: { command: "git" }, packages: ["git"], for: ["test"] },
  // The plugin's completion tests run the real shells.
  { name: "zsh", probe: { command: "zsh" }, packages: ["zsh"], for: ["test"] },
  { name: "fish", probe: { command: "fish" }, packages: ["fish"], for: ["test"] },
  {
    name: "/usr/bin/docker-registry",
    probe: { files: ["/usr/bin/docker-registry"] },
    packages: ["docker-registry"],
    for: ["test"],
  },
  {
    // Debian's interpreter: a pyenv python3 on PATH would not see the package.
    name: "python3-kubernetes",
    probe: {
      run: [
        "/usr/bin/python3",
        "-c",
        "import importlib.util as u; assert u.find_spec('kubernetes')",
      ],
    },
    packages: ["python3-kubernetes"],
    for: ["test"],
  },
];

/** What the host allows: installing needs root, apt-get on PATH and no opt-out. */
export interface Host {
  root: boolean;
  aptGet: boolean;
  /** False when the user opted out (NMCP_NO_INSTALL=1). */
  install: boolean;
}

/** What to do: nothing, install these packages, or stop with a one-line message. */
export type Plan =
  | { kind: "ready" }
  | { kind: "install"; packages: string[] }
  | { kind: "missing"; message: string };

/** The Debian packages that provide `missing`, each once, in order. */
export function packagesFor(missing: Requirement[]): string[] {
  return [...new Set(missing.flatMap((r) => r.packages))];
}

/** Decides what to do about `missing` on `host` (install only what apt can provide). */
export function plan(purpose: Purpose, missing: Requirement[], host: Host): Plan {
  if (missing.length === 0) return { kind: "ready" };
  const packages = packagesFor(missing);
  if (packages.length > 0 && host.root && host.aptGet && host.install) {
    return { kind: "install", packages };
  }
  return { kind: "missing", message: missingMessage(purpose, missing) };
}

/**
 * One line naming what is missing and how to get it, e.g. `Cannot set up "demo": missing
 * /bin/busybox, cc (apt-get install busybox-static gcc libc6-dev)`; `why` is appended.
 */
export function missingMessage(purpose: Purpose, missing: Requirement[], why?: string): string {
  const names = missing.map((r) => r.name).join(", ");
  const ways: string[] = [];
  const packages = packagesFor(missing);
  if (packages.length > 0) ways.push(`apt-get install ${packages.join(" ")}`);
  for (const r of missing) if (r.hint) ways.push(`${r.name}: ${r.hint}`);
  const tail = why ? `; ${why}` : "";
  return `Cannot set up "${purpose}": missing ${names} (${ways.join("; ")})${tail}`;
}
