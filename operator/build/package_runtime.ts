/**
 * `spec.package` → the runtime that runs it (pure): npm packages run with `npx` in a node
 * image, pypi packages with `uvx` in a uv image, oci packages are the image itself.
 */

import {
  type EnvVar,
  type MCPServer,
  type MCPServerSpec,
  ociReference,
  type PackageArgument,
  type PackageSpec,
} from "../../lib/api/mod.ts";

/** The images that run packages, per registry type (operator flags). */
export interface RuntimeImages {
  /** Runs npm packages; must carry `npx` (`--npm-runtime-image`). */
  npm: string;
  /** Runs pypi packages; must carry `uvx` (`--pypi-runtime-image`). */
  pypi: string;
}

/** The default runtime images. */
export const DEFAULT_RUNTIME_IMAGES: RuntimeImages = {
  npm: "node:22-alpine",
  pypi: "ghcr.io/astral-sh/uv:python3.12-alpine",
};

/** What a package runs as: the container's image, command, args and added env. */
export interface PackageRuntime {
  image: string;
  command?: string[];
  args?: string[];
  env: EnvVar[];
}

/** Renders server.json arguments: a positional gives its value, a named one its flag and value. */
export function renderArguments(args: PackageArgument[] | undefined): string[] {
  const out: string[] = [];
  for (const a of args ?? []) {
    const v = a.value ?? a.default;
    if (a.type === "named") out.push(a.name!);
    if (v !== undefined) out.push(v);
  }
  return out;
}

export { ociReference } from "../../lib/api/mod.ts";

function registryEnv(pkg: PackageSpec): EnvVar[] {
  if (!pkg.registryBaseUrl) return [];
  if (pkg.registryType === "npm") {
    return [{ name: "npm_config_registry", value: pkg.registryBaseUrl }];
  }
  if (pkg.registryType === "pypi") {
    return [{ name: "UV_DEFAULT_INDEX", value: pkg.registryBaseUrl }];
  }
  return [];
}

/** The runtime of a package, with the images to use for npm and pypi. */
export function packageRuntime(pkg: PackageSpec, images: RuntimeImages): PackageRuntime {
  const runtimeArgs = renderArguments(pkg.runtimeArguments);
  const packageArgs = renderArguments(pkg.packageArguments);
  const env = registryEnv(pkg);
  switch (pkg.registryType) {
    case "npm": {
      const spec = pkg.version ? `${pkg.identifier}@${pkg.version}` : pkg.identifier;
      const yes = runtimeArgs.some((a) => a === "-y" || a === "--yes") ? [] : ["-y"];
      env.push({ name: "NPM_CONFIG_UPDATE_NOTIFIER", value: "false" });
      return {
        image: images.npm,
        command: ["npx", ...yes, ...runtimeArgs, spec, ...packageArgs],
        env,
      };
    }
    case "pypi": {
      const spec = pkg.version ? `${pkg.identifier}@${pkg.version}` : pkg.identifier;
      return { image: images.pypi, command: ["uvx", ...runtimeArgs, spec, ...packageArgs], env };
    }
    case "oci":
      return { image: ociReference(pkg), args: packageArgs.length ? packageArgs : undefined, env };
  }
}

/** The runtime's and the package's variables that have a value, minus those `spec.env` sets. */
function declaredEnv(spec: MCPServerSpec, runtime: EnvVar[]): EnvVar[] {
  const own = new Set((spec.env ?? []).map((e) => e.name));
  const declared = (spec.package?.environmentVariables ?? []).map((e) => ({
    name: e.name,
    value: e.value ?? e.default,
  }));
  const out: EnvVar[] = [];
  for (const e of [...runtime, ...declared]) {
    if (own.has(e.name) || e.value === undefined) continue;
    own.add(e.name);
    out.push({ name: e.name, value: e.value });
  }
  return out;
}

/**
 * The server with `spec.package` expanded into image, command, args and env (the package stays,
 * so the spec hash follows it); a server without a package is returned as is.
 */
export function withPackageRuntime(
  server: MCPServer,
  images: RuntimeImages = DEFAULT_RUNTIME_IMAGES,
): MCPServer {
  const pkg = server.spec?.package;
  if (!pkg) return server;
  const rt = packageRuntime(pkg, images);
  const spec: MCPServerSpec = { ...server.spec, image: rt.image };
  if (rt.command) spec.command = rt.command;
  if (rt.args) spec.args = rt.args;
  const env = [...(server.spec.env ?? []), ...declaredEnv(server.spec, rt.env)];
  if (env.length) spec.env = env;
  return { ...server, spec };
}

/** The first required package variable that nothing sets (no value, default, env or envFrom). */
export function missingPackageEnv(spec: MCPServerSpec): string | undefined {
  if (!spec.package || spec.envFrom?.length) return undefined;
  const own = new Set((spec.env ?? []).map((e) => e.name));
  return spec.package.environmentVariables?.find((e) =>
    e.isRequired && e.value === undefined && e.default === undefined && !own.has(e.name)
  )?.name;
}
