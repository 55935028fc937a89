/**
 * The harness "registry": an image reference maps to a directory of executables put at the
 * front of PATH plus the image config (Entrypoint, Cmd, Env, WorkingDir), like an OCI image
 * whose root filesystem is the host's.
 *
 * @module
 */

/** A materialized image: what a container of it sees. */
export interface Image {
  /** Directory of executables put at the front of PATH. */
  binDir?: string;
  /** The image's Entrypoint. */
  entrypoint?: string[];
  /** The image's Cmd. */
  cmd?: string[];
  /** The image's Env (applied before the container's env). */
  env?: Record<string, string>;
  /** The image's WorkingDir. */
  workingDir?: string;
  /** The image's User, numeric `uid` or `uid:gid` (OCI config User). Default: root. */
  user?: string;
  /** The digest reported as imageID. Default: a hash of the reference's repository. */
  digest?: string;
}

/** How an image's executables are made: a name → shell script body, or a symlink target. */
export interface ImageSource {
  /** Executables: name → `{ script }` (a `/bin/sh` body) or `{ link }` (a path to symlink). */
  executables?: Record<string, { script: string } | { link: string }>;
  entrypoint?: string[];
  cmd?: string[];
  env?: Record<string, string>;
  workingDir?: string;
  /** Numeric `uid` or `uid:gid`, as a Dockerfile's USER. Default: root. */
  user?: string;
}

/** One rule of an image map: `match` is an exact reference or a glob (`*` any characters). */
export interface ImageRule {
  match: string;
  source: ImageSource;
}

/** Image rules, first match wins. */
export type ImageMap = ImageRule[];

function globToRegExp(glob: string): RegExp {
  const escaped = glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*");
  return new RegExp(`^${escaped}$`);
}

/** Strips a `docker.io/` or `docker.io/library/` prefix so `busybox` and its long forms match. */
export function normalizeReference(ref: string): string {
  return ref.replace(/^(docker\.io\/)?(library\/)?/, "");
}

/** Finds the rule for an image reference: exact match first, then globs in order. */
export function findImageRule(map: ImageMap, ref: string): ImageRule | undefined {
  const name = normalizeReference(ref);
  return map.find((r) => r.match === name) ??
    map.find((r) => r.match.includes("*") && globToRegExp(r.match).test(name));
}

/** The rules for `name` itself, any tag and any digest. */
export function anyTag(name: string, source: ImageSource): ImageRule[] {
  return [
    { match: name, source },
    { match: `${name}:*`, source },
    { match: `${name}@*`, source },
  ];
}

/** Options of {@linkcode defaultImages}. */
export interface DefaultImagesOptions {
  /** The repository root. Default: three levels above this file. */
  repoRoot?: string;
  /** The Deno binary. Default `Deno.execPath()`. */
  deno?: string;
  /** The busybox binary. Default `/bin/busybox`. */
  busybox?: string;
}

function sh(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The absolute path of `name` on the host's PATH (the bare name when absent). */
function which(name: string): string {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    try {
      if (dir && Deno.statSync(`${dir}/${name}`).isFile) return `${dir}/${name}`;
    } catch {
      // not in this directory
    }
  }
  return name;
}

/** The default images: nmcp, mcp/everything, node and busybox. */
export function defaultImages(opts: DefaultImagesOptions = {}): ImageMap {
  const repo = opts.repoRoot ?? new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
  const deno = opts.deno ?? Deno.execPath();
  const denoRun = (entry: string) => ({
    script: `exec ${sh(deno)} run -A --config ${sh(`${repo}/deno.json`)} ${
      sh(`${repo}/${entry}`)
    } "$@"`,
  });
  const everything = `${repo}/node_modules/@modelcontextprotocol/server-everything/dist/index.js`;
  return [
    ...anyTag("ghcr.io/nwrx/nmcp", {
      executables: {
        "nmcp-gateway": denoRun("gateway/main.ts"),
        "nmcp-operator": denoRun("operator/main.ts"),
        "kubectl-nmcp": denoRun("cli/main.ts"),
      },
      entrypoint: ["nmcp-gateway"],
      user: "65532:65532", // the Dockerfile's USER (distroless nonroot)
    }),
    ...anyTag("mcp/everything", {
      executables: {
        "mcp-server-everything": {
          script: `exec ${sh(deno)} run -A --config ${sh(`${repo}/deno.json`)} ${
            sh(everything)
          } "$@"`,
        },
      },
      entrypoint: ["mcp-server-everything"],
    }),
    // node images run the host's node and npx (examples/ use node:22-alpine with npx).
    ...anyTag("node", {
      executables: {
        node: { link: which("node") },
        npx: { link: which("npx") },
        "docker-entrypoint.sh": {
          script: 'if [ "${1#-}" != "$1" ]; then set -- node "$@"; fi; exec "$@"',
        },
      },
      entrypoint: ["docker-entrypoint.sh"],
      cmd: ["node"],
    }),
    ...anyTag("busybox", {
      executables: { busybox: { link: opts.busybox ?? "/bin/busybox" } },
      cmd: ["sh"], // as the real image: no Entrypoint, so `kubectl run -- sh -c …` works
    }),
  ];
}

async function busyboxApplets(busybox: string): Promise<string[]> {
  const out = await new Deno.Command(busybox, { args: ["--list"], stdout: "piped" }).output()
    .catch(() => undefined);
  if (!out?.success) return [];
  return new TextDecoder().decode(out.stdout).split("\n").filter((s) => s.length > 0);
}

async function writeExecutable(path: string, spec: { script: string } | { link: string }) {
  await Deno.remove(path).catch(() => {});
  if ("link" in spec) {
    if (!await Deno.stat(spec.link).then(() => true, () => false)) {
      const hint = spec.link.endsWith("busybox") ? " (apt-get install busybox-static)" : "";
      throw new Error(`Cannot materialize image executable "${spec.link}": not found${hint}`);
    }
    await Deno.symlink(spec.link, path);
  } else {
    await Deno.writeTextFile(path, `#!/bin/sh\n${spec.script}\n`, { mode: 0o755 });
  }
}

/**
 * Materializes a rule's executables under `dir` and returns the image. A `busybox` link also
 * gets a link per applet, as in the busybox image.
 */
export async function materializeImage(source: ImageSource, dir: string): Promise<Image> {
  await Deno.mkdir(dir, { recursive: true });
  for (const [name, spec] of Object.entries(source.executables ?? {})) {
    await writeExecutable(`${dir}/${name}`, spec);
    if (name === "busybox" && "link" in spec) {
      for (const applet of await busyboxApplets(spec.link)) {
        if (applet !== "busybox") await writeExecutable(`${dir}/${applet}`, spec);
      }
    }
  }
  return {
    binDir: dir,
    entrypoint: source.entrypoint,
    cmd: source.cmd,
    env: source.env,
    workingDir: source.workingDir,
    user: source.user,
  };
}
