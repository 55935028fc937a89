/**
 * An MCP registry entry (`server.json`, or the registry API's `{server: …}` answer) → an
 * MCPServer running its first supported package, plus the values its Secret must hold (pure).
 */

import {
  API_VERSION,
  type EnvVar,
  MCP_SERVER,
  type MCPServer,
  type PackageArgument,
  type PackageEnv,
  type PackageSpec,
  REGISTRY_TYPES,
  type RegistryType,
} from "../../lib/api/mod.ts";
import { envSecretName } from "./names.ts";

type Raw = Record<string, unknown>;

/** A `packages[]` entry as published (extra fields are dropped on conversion). */
export interface RegistryPackage extends Raw {
  registryType?: string;
  identifier?: string;
  transport?: { type?: string; url?: string };
}

/** What `add` needs besides the document. */
export interface ConvertOptions {
  /** MCPServer name (default: the last part of the entry's name). */
  name?: string;
  namespace: string;
  /** Which `packages[]` entry to use (default: the first one nmcp runs). */
  packageIndex?: number;
  /** Values of environment variables (`--env K=V`). */
  values: Record<string, string>;
  /** Values of arguments by valueHint or flag name (`--arg K=V`). */
  args: Record<string, string>;
}

/** The conversion: the server, its Secret's values, and the variables still without a value. */
export interface Converted {
  server: MCPServer;
  /** Secret name and values (empty when no variable is secret). */
  secretName: string;
  secret: Record<string, string>;
  /** Required variables nothing gives a value (secret ones first), for the caller to ask. */
  missing: PackageEnv[];
}

/** The server.json object of a document: itself, or the registry API's `server` member. */
export function serverDocument(doc: unknown): Raw {
  const d = doc as Raw;
  if (d && typeof d === "object" && d.server && typeof d.server === "object") {
    return d.server as Raw;
  }
  if (!d || typeof d !== "object" || !Array.isArray(d.packages)) {
    throw new TypeError("Cannot read server.json: it has no packages[]");
  }
  return d;
}

/** A DNS label from a registry name (`io.github.acme/weather-mcp` → `weather-mcp`). */
export function defaultName(registryName: string): string {
  const last = registryName.slice(registryName.lastIndexOf("/") + 1).toLowerCase();
  const label = last.replace(/[^a-z0-9-]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 63);
  if (!label) throw new TypeError(`Cannot derive a name from "${registryName}": give NAME`);
  return label.replace(/-+$/, "");
}

/** Picks the package to run: `index` when given, else the first of a type nmcp runs. */
export function pickPackage(packages: RegistryPackage[], index?: number): RegistryPackage {
  const supported = (p: RegistryPackage) =>
    REGISTRY_TYPES.includes(p.registryType as RegistryType) && !!p.identifier;
  const types = packages.map((p) => p.registryType ?? "?").join(", ") || "none";
  if (index !== undefined) {
    const p = packages[index];
    if (!p || !supported(p)) {
      throw new TypeError(
        `Cannot use package ${index}: of ${packages.length} (${types}), ` +
          `nmcp runs npm, pypi and oci`,
      );
    }
    return p;
  }
  const p = packages.find(supported);
  if (!p) throw new TypeError(`Cannot add server: no npm, pypi or oci package (has ${types})`);
  return p;
}

const INPUT_KEYS = ["description", "value", "default", "isRequired", "isSecret", "format"];

function pick<T>(raw: Raw, keys: string[]): T {
  const out: Raw = {};
  for (const k of keys) if (raw[k] !== undefined) out[k] = raw[k];
  if (Array.isArray(raw.choices)) out.choices = [...raw.choices];
  return out as T;
}

function argument(raw: Raw, given: Record<string, string>): PackageArgument {
  const a = pick<PackageArgument>(raw, ["type", "name", "valueHint", "isRepeated", ...INPUT_KEYS]);
  const key = a.type === "named" ? a.name : a.valueHint;
  if (key !== undefined && given[key] !== undefined) a.value = given[key];
  if (a.type === "positional" && a.value === undefined && a.default === undefined) {
    throw new TypeError(
      `Cannot add server: argument ${key ?? "(positional)"} needs a value; pass --arg ${
        key ?? "NAME"
      }=VALUE`,
    );
  }
  return a;
}

function transportOf(p: RegistryPackage): MCPServer["spec"]["transport"] {
  const t = p.transport;
  if (!t?.type || t.type === "stdio") return undefined;
  if (t.type !== "streamable-http" && t.type !== "sse") {
    throw new TypeError(`Cannot add server: transport "${t.type}" is not supported`);
  }
  const m = /^https?:\/\/[^/:]+:(\d+)(\/[^?#]*)?/.exec(t.url ?? "");
  if (!m) throw new TypeError(`Cannot add server: transport url "${t.url}" names no port`);
  return { type: t.type, port: Number(m[1]), ...(m[2] && m[2] !== "/" ? { path: m[2] } : {}) };
}

function packageOf(p: RegistryPackage, opts: ConvertOptions): PackageSpec {
  const pkg = pick<PackageSpec>(p, [
    "registryType",
    "registryBaseUrl",
    "identifier",
    "version",
    "runtimeHint",
  ]);
  if (pkg.registryType !== "oci" && Array.isArray(p.runtimeArguments)) {
    pkg.runtimeArguments = (p.runtimeArguments as Raw[]).map((a) => argument(a, opts.args));
  }
  if (Array.isArray(p.packageArguments)) {
    pkg.packageArguments = (p.packageArguments as Raw[]).map((a) => argument(a, opts.args));
  }
  return pkg;
}

/** Converts a registry entry; values of secret variables go to the Secret, not the spec. */
export function convertServerJson(doc: unknown, opts: ConvertOptions): Converted {
  const entry = serverDocument(doc);
  const p = pickPackage(entry.packages as RegistryPackage[], opts.packageIndex);
  const name = opts.name ?? defaultName(String(entry.name ?? ""));
  const secretName = envSecretName(name);
  const pkg = packageOf(p, opts);
  const vars: PackageEnv[] = [];
  const env: EnvVar[] = [];
  const secret: Record<string, string> = {};
  const missing: PackageEnv[] = [];
  for (const raw of (p.environmentVariables ?? []) as Raw[]) {
    const v = pick<PackageEnv>(raw, ["name", ...INPUT_KEYS]);
    const given = opts.values[v.name] ?? v.value;
    if (v.isSecret) {
      const value = given ?? v.default;
      delete v.value;
      delete v.default;
      if (value !== undefined) secret[v.name] = value;
      else if (v.isRequired) missing.push(v);
      if (value !== undefined || v.isRequired) {
        env.push({ name: v.name, valueFrom: { secretKeyRef: { name: secretName, key: v.name } } });
      }
    } else {
      if (given !== undefined) v.value = given;
      else if (v.isRequired && v.default === undefined) missing.push(v);
    }
    vars.push(v);
  }
  if (vars.length) pkg.environmentVariables = vars;
  const spec: MCPServer["spec"] = { package: pkg };
  if (env.length) spec.env = env;
  const transport = transportOf(p);
  if (transport) spec.transport = transport;
  missing.sort((a, b) => Number(!!b.isSecret) - Number(!!a.isSecret));
  return {
    server: {
      apiVersion: API_VERSION,
      kind: MCP_SERVER.kind,
      metadata: { name, namespace: opts.namespace },
      spec,
    },
    secretName,
    secret,
    missing,
  };
}

/** Fills in values obtained for missing variables (secret ones into the Secret). */
export function withValues(c: Converted, values: Record<string, string>): Converted {
  const out = structuredClone(c);
  for (const v of c.missing) {
    const value = values[v.name];
    if (value === undefined) continue;
    if (v.isSecret) out.secret[v.name] = value;
    else {
      const decl = out.server.spec.package?.environmentVariables?.find((e) => e.name === v.name);
      if (decl) decl.value = value;
    }
  }
  out.missing = c.missing.filter((v) => values[v.name] === undefined);
  return out;
}
