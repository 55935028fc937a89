/**
 * Schema of `spec.package`: a server published to a package registry, in the MCP registry's
 * `server.json` vocabulary (`packages[]` entries), so the operator picks the runtime.
 */

import { array, boolean, enumOf, type Infer, object, string } from "./schema.ts";

/** Package registries the operator can run from. */
export const REGISTRY_TYPES = ["npm", "pypi", "oci"] as const;

/** A registry type nmcp runs. */
export type RegistryType = typeof REGISTRY_TYPES[number];

const inputFields = {
  description: string({ description: "What the input is for." }),
  value: string({ description: "The value passed (wins over `default`)." }),
  default: string({ description: "The value used when `value` is unset." }),
  isRequired: boolean({ description: "The server needs a value." }),
  isSecret: boolean({ description: "The value is sensitive (keep it in a Secret)." }),
  format: enumOf(["string", "number", "boolean", "filepath"] as const, {
    description: "The value's format (informative).",
  }),
  choices: array(string(), { description: "Allowed values (informative).", maxItems: 64 }),
};

/** A command-line argument of the runtime or the package (server.json `Argument`). */
export const packageArgumentSchema = object({
  type: enumOf(["positional", "named"] as const, {
    description: "positional: the value alone; named: `name` then the value, if any.",
  }),
  name: string({ description: "The flag of a named argument, e.g. --port.", minLength: 1 }),
  valueHint: string({ description: "What a positional value stands for (informative)." }),
  isRepeated: boolean({ description: "May be given more than once (informative)." }),
  ...inputFields,
}, {
  required: ["type"],
  validations: [
    {
      rule: "self.type != 'named' || has(self.name)",
      message: "name is required for a named argument",
      fieldPath: ".name",
      reason: "FieldValueRequired",
    },
    {
      rule: "self.type != 'positional' || has(self.value) || has(self.default)",
      message: "a positional argument needs value or default",
      fieldPath: ".value",
      reason: "FieldValueRequired",
    },
  ],
});

/** A command-line argument of a package. */
export type PackageArgument = Infer<typeof packageArgumentSchema>;

/** An environment variable the package reads (server.json `KeyValueInput`). */
export const packageEnvSchema = object({
  name: string({ description: "Name of the variable.", minLength: 1 }),
  ...inputFields,
}, { required: ["name"] });

/** An environment variable a package declares. */
export type PackageEnv = Infer<typeof packageEnvSchema>;

const args = (description: string) => array(packageArgumentSchema, { description, maxItems: 128 });

/** A package to run: the operator chooses the runtime image and command from `registryType`. */
export const packageSchema = object({
  registryType: enumOf(REGISTRY_TYPES, {
    description: "npm (run with npx), pypi (run with uvx) or oci (the image itself).",
  }),
  registryBaseUrl: string({
    description: "The registry to install from (default: the public one).",
    pattern: "^https?://",
  }),
  identifier: string({
    description: "Package name (npm, pypi) or image reference (oci).",
    minLength: 1,
    maxLength: 512,
  }),
  version: string({
    description: "Package version (recommended; unset: the latest).",
    minLength: 1,
    maxLength: 128,
  }),
  runtimeHint: string({ description: "The publisher's runtime (informative; npx, uvx, docker)." }),
  runtimeArguments: args("Arguments of the runtime (npx, uvx), before the package."),
  packageArguments: args("Arguments of the package, after it."),
  environmentVariables: array(packageEnvSchema, {
    description: "Variables the package reads; `value`/`default` are set unless `env` sets them.",
    mapKeys: ["name"],
    maxItems: 256,
  }),
}, {
  required: ["registryType", "identifier"],
  description: "Run a published package (server.json `packages[]` entry) instead of `image`.",
  validations: [{
    rule: "self.registryType != 'oci' || !has(self.runtimeArguments)",
    message: "runtimeArguments (docker run flags) are not supported for oci packages",
    fieldPath: ".runtimeArguments",
    reason: "FieldValueForbidden",
  }],
});

/** A package an MCPServer runs. */
export type PackageSpec = Infer<typeof packageSchema>;

/** An oci identifier with its version as the tag when it has neither tag nor digest. */
export function ociReference(pkg: PackageSpec): string {
  const id = pkg.identifier;
  const last = id.slice(id.lastIndexOf("/") + 1);
  if (!pkg.version || id.includes("@") || last.includes(":")) return id;
  return `${id}:${pkg.version}`;
}

/** A package as one word: `npm:name@version`, `pypi:name@version`, `oci:reference`. */
export function packageLabel(pkg: PackageSpec): string {
  if (pkg.registryType === "oci") return `oci:${ociReference(pkg)}`;
  return `${pkg.registryType}:${pkg.identifier}${pkg.version ? `@${pkg.version}` : ""}`;
}
