/** `kubectl nmcp run`'s flags → the MCPServer it creates (pure). */

import {
  API_VERSION,
  type EnvVar,
  MCP_SERVER,
  type MCPServer,
  type PackageSpec,
  REGISTRY_TYPES,
  type RegistryType,
} from "../../lib/api/mod.ts";

/** The flags of `run`. */
export interface RunOptions {
  image?: string;
  /** `npm:NAME[@VERSION]`, `pypi:NAME[@VERSION]` or `oci:REF`. */
  package?: string;
  env?: string[];
  port?: string;
  transport?: "stdio" | "streamable-http" | "sse";
  path?: string;
  pool?: string;
  idleTimeout?: string;
  labels?: string[];
}

/** Splits `K=V` pairs into an ordered map; `what` names the flag in errors. */
export function parsePairs(pairs: string[] | undefined, what: string): [string, string][] {
  return (pairs ?? []).map((p) => {
    const i = p.indexOf("=");
    if (i <= 0) throw new TypeError(`Cannot use ${what} "${p}": expected KEY=VALUE`);
    return [p.slice(0, i), p.slice(i + 1)];
  });
}

/** Parses `npm:NAME[@VERSION]` (scoped names keep their leading `@`), `pypi:…`, `oci:REF`. */
export function parsePackageRef(ref: string): PackageSpec {
  const colon = ref.indexOf(":");
  const type = ref.slice(0, colon) as RegistryType;
  const rest = ref.slice(colon + 1);
  if (colon <= 0 || !REGISTRY_TYPES.includes(type) || !rest) {
    throw new TypeError(
      `Cannot use --package "${ref}": expected npm:NAME[@VERSION], pypi:NAME[@VERSION] or oci:IMAGE`,
    );
  }
  if (type === "oci") return { registryType: type, identifier: rest };
  const at = rest.lastIndexOf("@");
  if (at <= 0) return { registryType: type, identifier: rest };
  return { registryType: type, identifier: rest.slice(0, at), version: rest.slice(at + 1) };
}

function transportOf(opts: RunOptions): MCPServer["spec"]["transport"] | undefined {
  const type = opts.transport ?? (opts.port ? "streamable-http" : undefined);
  if (!type) return undefined;
  if (type === "stdio") {
    if (opts.port) throw new TypeError("Cannot use --port with --transport stdio");
    return { type };
  }
  const port = Number(opts.port);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new TypeError(`Cannot use --transport ${type}: --port must be a port number`);
  }
  return { type, port, ...(opts.path ? { path: opts.path } : {}) };
}

/** Builds the MCPServer of `run NAME [flags] -- CMD ARGS…` (with a package: its arguments). */
export function runServer(
  name: string,
  namespace: string,
  command: string[],
  opts: RunOptions,
): MCPServer {
  if (!opts.image === !opts.package) {
    throw new TypeError(
      `Cannot run MCPServer "${name}": give exactly one of --image and --package`,
    );
  }
  const spec: MCPServer["spec"] = {};
  if (opts.image) {
    spec.image = opts.image;
    if (command.length) spec.command = [...command];
  } else {
    spec.package = parsePackageRef(opts.package!);
    if (command.length) {
      spec.package.packageArguments = command.map((value) => ({ type: "positional", value }));
    }
  }
  const env: EnvVar[] = parsePairs(opts.env, "--env").map(([n, value]) => ({ name: n, value }));
  if (env.length) spec.env = env;
  const transport = transportOf(opts);
  if (transport) spec.transport = transport;
  if (opts.pool) spec.pool = opts.pool;
  if (opts.idleTimeout) {
    spec.idleTimeout = /^\d+$/.test(opts.idleTimeout) ? Number(opts.idleTimeout) : opts.idleTimeout;
  }
  const labels = Object.fromEntries(parsePairs(opts.labels, "--labels"));
  return {
    apiVersion: API_VERSION,
    kind: MCP_SERVER.kind,
    metadata: { name, namespace, ...(Object.keys(labels).length ? { labels } : {}) },
    spec,
  };
}
